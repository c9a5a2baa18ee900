package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.testkit.tokens.BackendSigningKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user-token verifier against every forgery, replay and misuse a client app's user (or another
 * tenant) could try: each is refused with a 401 naming the header, and never quotes the token; only
 * a token that follows every rule yields its subject.
 */
class UserTokenVerifierTest {
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  static final String SHOP = "shop";
  static final String RIVAL = "rival";
  static BackendSigningKey hs;
  static BackendSigningKey es;
  static BackendSigningKey rs;
  static BackendSigningKey rivalApp;

  final Map<String, UserTokenKey> keys = new ConcurrentHashMap<>();
  final UserTokens tokens =
      new UserTokens(
          new UserTokens.Keys() {
            @Override
            public Optional<UserTokenKey> find(String tenant, String kid) {
              return Optional.ofNullable(keys.get(tenant + "/" + kid));
            }

            @Override
            public boolean synced() {
              return true;
            }
          },
          Duration.ofHours(24),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeAll
  static void signingKeys() {
    hs = BackendSigningKey.hs256("app-hs");
    es = BackendSigningKey.es256("app-es");
    rs = BackendSigningKey.rs256("app-rs");
    rivalApp = BackendSigningKey.es256("app-es");
  }

  UserTokenVerifierTest() {
    install(SHOP, hs);
    install(SHOP, es);
    install(SHOP, rs);
    install(RIVAL, rivalApp);
  }

  void install(String tenant, BackendSigningKey key) {
    install(tenant, key.kid(), key.secretData());
  }

  void install(String tenant, String name, Map<String, String> data) {
    var reading = UserTokenKey.read(tenant, name, data);
    assertThat(reading).isInstanceOf(UserTokenKey.Usable.class);
    keys.put(tenant + "/" + name, ((UserTokenKey.Usable) reading).key());
  }

  static JWTClaimsSet.Builder claims(String user) {
    return BackendSigningKey.claims(user, SHOP, NOW, Duration.ofMinutes(10));
  }

  static String token(BackendSigningKey key, JWTClaimsSet.Builder claims) {
    return key.sign(key.header().build(), claims.build());
  }

  AbstractThrowableAssert<?, ? extends Throwable> refused(
      String tenant, String token, String because) {
    var refusal =
        assertThatThrownBy(() -> tokens.subject(tenant, token))
            .isInstanceOfSatisfying(
                Problem.class,
                p -> {
                  assertThat(p.status()).isEqualTo(401);
                  assertThat(p.errors())
                      .singleElement()
                      .satisfies(e -> assertThat(e.field()).isEqualTo(UserTokens.HEADER));
                  if (token != null && token.length() > 20) {
                    assertThat(p.getMessage())
                        .doesNotContain(token)
                        .doesNotContain(token.substring(token.length() - 20));
                  }
                });
    return refusal.hasMessageContaining(because);
  }

  AbstractThrowableAssert<?, ? extends Throwable> refused(String token, String because) {
    return refused(SHOP, token, because);
  }

  // ------------------------------------------------------------------------------ what passes

  @Test
  void aTokenOfEachAlgorithmSpeaksForItsSubject() {
    assertThat(tokens.subject(SHOP, token(hs, claims("ada")))).isEqualTo("ada");
    assertThat(tokens.subject(SHOP, token(es, claims("bob@example.com"))))
        .isEqualTo("bob@example.com");
    assertThat(tokens.subject(SHOP, token(rs, claims("user:42")))).isEqualTo("user:42");
  }

  @Test
  void typAudienceListsAndNotBeforeThatHavePassedAreFine() {
    assertThat(
            tokens.subject(
                SHOP,
                hs.sign(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(hs.kid()).build(),
                    claims("ada")
                        .audience(List.of("other-service", SHOP))
                        .notBeforeTime(Date.from(NOW))
                        .build())))
        .isEqualTo("ada");
  }

  @Test
  void timesWithinTheClockSkewPass() {
    Instant skewed = NOW.plus(UserTokens.CLOCK_SKEW).minusSeconds(1);
    assertThat(
            tokens.subject(
                SHOP,
                token(
                    es,
                    claims("ada")
                        .issueTime(Date.from(skewed))
                        .expirationTime(Date.from(skewed.plusSeconds(60))))))
        .isEqualTo("ada");
    assertThat(
            tokens.subject(
                SHOP,
                token(
                    es,
                    claims("ada")
                        .issueTime(Date.from(NOW.minusSeconds(600)))
                        .expirationTime(
                            Date.from(NOW.minus(UserTokens.CLOCK_SKEW).plusSeconds(1))))))
        .isEqualTo("ada");
  }

  @Test
  void exactlyTheLongestLifetimePasses() {
    assertThat(
            tokens.subject(
                SHOP,
                token(hs, claims("ada").expirationTime(Date.from(NOW.plus(Duration.ofHours(24)))))))
        .isEqualTo("ada");
  }

  // ------------------------------------------------------------------------- missing or garbled

  @Test
  void noTokenIsRefused() {
    refused(null, "is required with a client key");
    refused("", "is required with a client key");
  }

  @Test
  void whatIsNotASignedJwtIsRefused() {
    refused("not-a-token", "is not a signed JWT");
    refused("a.b", "is not a signed JWT");
    refused("a.b.c.d.e", "is not a signed JWT");
    refused(Base64URL.encode("{\"alg\":\"HS256\"").toString() + ".e30.AAAA", "is not a signed JWT");
    String valid = token(hs, claims("ada"));
    refused(valid.substring(0, valid.lastIndexOf('.')), "is not a signed JWT");
    refused(" " + valid, "is not a signed JWT");
    refused(valid + "\n", "is not a signed JWT");
    refused(valid.replace('.', ' '), "is not a signed JWT");
    refused("x".repeat(UserTokens.MAX_LENGTH + 1), "is longer than");
  }

  @Test
  void aTokenSpelledAnotherWayIsRefused() {
    String valid = token(hs, claims("ada"));
    String[] parts = valid.split("\\.");
    refused(parts[0] + "=." + parts[1] + "." + parts[2], "is not");
    refused(parts[0] + "." + parts[1] + "." + parts[2] + "=", "is not");
    // the signature's last character carries two unused bits: set them
    char last = parts[2].charAt(parts[2].length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    refused(
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + sibling,
        "");
  }

  // ------------------------------------------------------------------------------- algorithms

  @Test
  void algNoneIsRefusedInEverySpelling() {
    String payload = Base64URL.encode(claims("ada").build().toString()).toString();
    for (String alg : List.of("none", "None", "NONE", "nOnE")) {
      String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"kid\":\"app-hs\"}").toString();
      refused(header + "." + payload + ".", "");
      refused(header + "." + payload + "." + hs.signature(header + "." + payload), "");
    }
  }

  @Test
  void anHmacMadeWithThePublicKeyAsSecretIsRefused() throws Exception {
    for (BackendSigningKey key : List.of(rs, es)) {
      for (byte[] secret :
          List.of(
              key.publicKeyPem().getBytes(StandardCharsets.UTF_8),
              key.publicKeyPem().strip().getBytes(StandardCharsets.UTF_8))) {
        SignedJWT forged =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.kid()).build(),
                claims("ada").build());
        forged.sign(new MACSigner(secret));
        refused(
            forged.serialize(),
            "says alg HS256, but the key " + key.kid() + " verifies " + key.algorithm() + " only");
      }
    }
  }

  @Test
  void aTokenWhoseAlgIsNotItsKeysIsRefused() {
    // signed correctly by the RSA key, but naming the EC key: the kid's key decides the algorithm
    refused(
        rs.sign(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(es.kid()).build(),
            claims("ada").build()),
        "says alg RS256, but the key app-es verifies ES256 only");
    refused(
        es.sign(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(hs.kid()).build(),
            claims("ada").build()),
        "says alg ES256");
  }

  @Test
  void algorithmsHeraldDoesNotUseAreRefused() {
    String payload = Base64URL.encode(claims("ada").build().toString()).toString();
    for (String alg :
        List.of(
            "HS384", "HS512", "ES384", "ES512", "PS256", "RS512", "EdDSA", "hs256", "HS256 ", "")) {
      String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"kid\":\"app-hs\"}").toString();
      refused(header + "." + payload + "." + hs.signature(header + "." + payload), "");
    }
  }

  // ----------------------------------------------------------------------------------- keys

  @Test
  void aTokenWithoutKidOrWithAnUnknownOneIsRefused() {
    refused(
        hs.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims("ada").build()),
        "needs kid");
    refused(
        hs.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("").build(), claims("ada").build()),
        "needs kid");
    refused(
        hs.sign(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("nope").build(), claims("ada").build()),
        "names by kid no user-token key of this tenant");
  }

  @Test
  void anotherTenantsTokenIsRefusedEvenWhenItsKeyHasTheSameName() {
    // rival's key is named app-es too: its tokens do not verify with shop's app-es
    String rivals =
        rivalApp.sign(
            rivalApp.header().build(),
            BackendSigningKey.claims("ada", SHOP, NOW, Duration.ofMinutes(5)).build());
    refused(SHOP, rivals, "does not verify");
    // and a token made for rival is refused by shop even where both hold the very same key
    BackendSigningKey shared = BackendSigningKey.hs256("shared");
    install(SHOP, shared);
    install(RIVAL, shared);
    String forRival =
        token(shared, BackendSigningKey.claims("ada", RIVAL, NOW, Duration.ofMinutes(5)));
    assertThat(tokens.subject(RIVAL, forRival)).isEqualTo("ada");
    refused(SHOP, forRival, "needs aud naming this tenant's namespace (shop)");
    // a key only another tenant has is unknown here
    BackendSigningKey only = BackendSigningKey.hs256("rival-only");
    install(RIVAL, only);
    refused(SHOP, token(only, claims("ada")), "names by kid no user-token key");
  }

  @Test
  void aSignatureOfAnotherKeyIsRefused() {
    BackendSigningKey impostor = BackendSigningKey.es256(es.kid());
    refused(token(impostor, claims("ada")), "does not verify with the key app-es");
    BackendSigningKey guessed = BackendSigningKey.hs256(hs.kid());
    refused(token(guessed, claims("ada")), "does not verify");
  }

  @Test
  void aKeyEmbeddedInTheHeaderIsNeverUsed() throws Exception {
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(es.kid()).generate();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(es.kid())
                .jwk(attacker.toPublicJWK())
                .build(),
            claims("ada").build());
    forged.sign(new com.nimbusds.jose.crypto.ECDSASigner(attacker));
    refused(forged.serialize(), "does not verify");
  }

  @Test
  void rotationAndRevocationTakeEffectAtOnce() {
    String before = token(hs, claims("ada"));
    assertThat(tokens.subject(SHOP, before)).isEqualTo("ada");
    // a second key beside the first: both sign valid tokens
    BackendSigningKey next = BackendSigningKey.es256("app-2");
    install(SHOP, next);
    assertThat(tokens.subject(SHOP, token(next, claims("ada")))).isEqualTo("ada");
    assertThat(tokens.subject(SHOP, before)).isEqualTo("ada");
    // the first Secret edited to a new secret: tokens of the old one stop working
    install(SHOP, BackendSigningKey.hs256(hs.kid()));
    refused(before, "does not verify");
    // deleted: every token naming it is refused
    keys.remove(SHOP + "/" + hs.kid());
    refused(before, "names by kid no user-token key");
    assertThat(tokens.subject(SHOP, token(next, claims("ada")))).isEqualTo("ada");
  }

  // ----------------------------------------------------------------------------------- tampering

  @Test
  void aTamperedPayloadOrHeaderIsRefused() {
    String valid = token(es, claims("ada"));
    String[] parts = valid.split("\\.");
    String otherPayload = Base64URL.encode(claims("root").build().toString()).toString();
    refused(parts[0] + "." + otherPayload + "." + parts[2], "does not verify");
    String otherHeader = Base64URL.encode("{\"kid\":\"app-es\",\"alg\":\"ES256\"}").toString();
    refused(otherHeader + "." + parts[1] + "." + parts[2], "does not verify");
    // the header and payload of a token for bob with the signature of ada's
    String bobs = token(es, claims("bob"));
    refused(parts[0] + "." + bobs.split("\\.")[1] + "." + parts[2], "does not verify");
  }

  @Test
  void headersHeraldCannotHonourAreRefused() {
    refused(
        hs.sign(hs.header().type(new JOSEObjectType("at+jwt")).build(), claims("ada").build()),
        "typ");
    refused(
        hs.sign(
            hs.header()
                .criticalParams(java.util.Set.of("exp-ext"))
                .customParam("exp-ext", 1)
                .build(),
            claims("ada").build()),
        "crit");
  }

  @Test
  void aClaimGivenTwiceIsRefused() {
    String header = "{\"alg\":\"HS256\",\"kid\":\"app-hs\"}";
    long iat = NOW.getEpochSecond();
    refused(
        hs.signRaw(
            header,
            "{\"sub\":\"ada\",\"aud\":\"shop\",\"iat\":"
                + iat
                + ",\"exp\":"
                + (iat + 60)
                + ",\"sub\":\"root\"}"),
        "");
    refused(
        hs.signRaw(
            "{\"alg\":\"HS256\",\"kid\":\"nope\",\"kid\":\"app-hs\"}",
            "{\"sub\":\"ada\",\"aud\":\"shop\","
                + "\"iat\":"
                + iat
                + ",\"exp\":"
                + (iat + 60)
                + "}"),
        "");
  }

  @Test
  void aPayloadThatIsNotAClaimsSetIsRefused() {
    String header = "{\"alg\":\"HS256\",\"kid\":\"app-hs\"}";
    refused(hs.signRaw(header, "[1,2]"), "not a JSON claims set");
    refused(hs.signRaw(header, "{\"sub\":\"ada\""), "not a JSON claims set");
    long iat = NOW.getEpochSecond();
    refused(
        hs.signRaw(
            header, "{\"sub\":7,\"aud\":\"shop\",\"iat\":" + iat + ",\"exp\":" + (iat + 60) + "}"),
        "needs sub, a string");
    refused(
        hs.signRaw(header, "{\"sub\":\"ada\",\"aud\":\"shop\",\"iat\":1,\"exp\":\"tomorrow\"}"),
        "not a JSON claims set");
  }

  // ------------------------------------------------------------------------------------ claims

  @Test
  void expiredAndNotYetValidTokensAreRefused() {
    refused(
        token(
            hs,
            claims("ada")
                .issueTime(Date.from(NOW.minusSeconds(3600)))
                .expirationTime(Date.from(NOW.minus(UserTokens.CLOCK_SKEW).minusSeconds(1)))),
        "has expired");
    refused(
        token(
            hs,
            claims("ada")
                .issueTime(Date.from(NOW.plus(UserTokens.CLOCK_SKEW).plusSeconds(1)))
                .expirationTime(Date.from(NOW.plusSeconds(600)))),
        "iat in the future");
    refused(
        token(hs, claims("ada").notBeforeTime(Date.from(NOW.plusSeconds(300)))), "not valid yet");
  }

  @Test
  void missingTimesAreRefused() {
    refused(token(hs, claims("ada").expirationTime(null)), "needs exp");
    refused(token(hs, claims("ada").issueTime(null)), "needs iat");
    refused(
        token(
            hs,
            claims("ada")
                .expirationTime(Date.from(NOW.minusSeconds(1)))
                .issueTime(Date.from(NOW.minusSeconds(1)))),
        "exp that is not after its iat");
  }

  @Test
  void aTokenThatLivesTooLongIsRefused() {
    refused(
        token(
            hs,
            claims("ada").expirationTime(Date.from(NOW.plus(Duration.ofHours(24)).plusSeconds(1)))),
        "lives longer than the 24 h a user token may");
    refused(
        token(hs, claims("ada").expirationTime(Date.from(NOW.plus(Duration.ofDays(3650))))),
        "lives longer");
    // backdating iat does not stretch it: exp - iat counts
    refused(
        token(
            hs,
            claims("ada")
                .issueTime(Date.from(NOW.minus(Duration.ofHours(30))))
                .expirationTime(Date.from(NOW.plusSeconds(60)))),
        "lives longer");
  }

  @Test
  void aTokenWithoutItsTenantsAudienceIsRefused() {
    refused(
        token(hs, claims("ada").audience((String) null)),
        "needs aud naming this tenant's namespace (shop)");
    refused(token(hs, claims("ada").audience("rival")), "needs aud");
    refused(token(hs, claims("ada").audience(List.of("shop-2", "SHOP"))), "needs aud");
  }

  @Test
  void aSubjectThatIsNoUserIdIsRefused() {
    refused(token(hs, claims(null)), "needs sub");
    refused(token(hs, claims("")), "not a user id");
    refused(token(hs, claims("-root")), "not a user id");
    refused(token(hs, claims("ada/../bob")), "not a user id");
    refused(token(hs, claims("a".repeat(300))), "not a user id");
  }

  @Test
  void aKeyThatNamesAnIssuerNeedsIt() {
    BackendSigningKey issued = BackendSigningKey.hs256("issued");
    Map<String, String> data = new java.util.HashMap<>(issued.secretData());
    data.put("issuer", "https://shop.example/auth");
    install(SHOP, issued.kid(), data);
    refused(
        token(issued, claims("ada")),
        "needs the iss the key issued names (https://shop.example/auth)");
    refused(token(issued, claims("ada").issuer("https://evil.example")), "needs the iss");
    assertThat(
            tokens.subject(SHOP, token(issued, claims("ada").issuer("https://shop.example/auth"))))
        .isEqualTo("ada");
  }

  @Test
  void anEcKeyOnAnotherCurveIsNoEs256Key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    var reading =
        UserTokenKey.read(
            SHOP,
            "p384",
            Map.of(
                "algorithm",
                "ES256",
                "publicKey",
                BackendSigningKey.pem(g.generateKeyPair().getPublic())));
    assertThat(reading)
        .isEqualTo(
            new UserTokenKey.Refused("publicKey", "ES256 needs an EC key on the P-256 curve"));
  }

  @Test
  void theLongestLifetimeIsConfiguredWithinBounds() {
    ApiSettings fiveMinutes =
        ApiSettings.fromEnv(Map.of("HERALD_API_USER_TOKEN_MAX_LIFETIME_SECONDS", "300"));
    assertThat(fiveMinutes.userTokenMaxLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(ApiSettings.fromEnv(Map.of()).userTokenMaxLifetime())
        .isEqualTo(Duration.ofHours(24));
    for (String outOfBounds : List.of("59", "604801", "-1")) {
      assertThatThrownBy(
              () ->
                  ApiSettings.fromEnv(
                      Map.of("HERALD_API_USER_TOKEN_MAX_LIFETIME_SECONDS", outOfBounds)))
          .hasMessageContaining("60 to 604800 seconds");
    }
    UserTokens strict =
        new UserTokens(
            new UserTokens.Keys() {
              @Override
              public Optional<UserTokenKey> find(String tenant, String kid) {
                return Optional.ofNullable(keys.get(tenant + "/" + kid));
              }

              @Override
              public boolean synced() {
                return true;
              }
            },
            fiveMinutes.userTokenMaxLifetime(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(
            strict.subject(
                SHOP, token(hs, claims("ada").expirationTime(Date.from(NOW.plusSeconds(300))))))
        .isEqualTo("ada");
    assertThatThrownBy(() -> strict.subject(SHOP, token(hs, claims("ada"))))
        .hasMessageContaining("lives longer than the 300 s a user token may");
  }

  /** The README's snippet, as a backend would run it, makes a token Herald accepts. */
  @Test
  void theReadmesMintingSnippetMakesATokenHeraldAccepts() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    java.security.KeyPair pair = generator.generateKeyPair();
    String publicKeyPem =
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    install(SHOP, "app-tokens-2026-12", Map.of("algorithm", "ES256", "publicKey", publicKeyPem));

    Instant now = NOW;
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID("app-tokens-2026-12")
                .type(JOSEObjectType.JWT)
                .build(),
            new JWTClaimsSet.Builder()
                .subject("ada")
                .audience("shop")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(30))))
                .build());
    token.sign(
        new com.nimbusds.jose.crypto.ECDSASigner(
            (java.security.interfaces.ECPrivateKey) pair.getPrivate()));
    assertThat(tokens.subject(SHOP, token.serialize())).isEqualTo("ada");
  }
}
