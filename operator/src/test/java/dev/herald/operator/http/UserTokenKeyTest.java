package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testkit.tokens.BackendSigningKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a {@code herald.dev/user-token-key} Secret makes: a key pinned to one algorithm, or a
 * refusal naming the field — never quoting the value — for anything weak, ambiguous or private.
 */
class UserTokenKeyTest {
  private static UserTokenKey.Reading read(Map<String, String> data) {
    return UserTokenKey.read("shop", "app", data);
  }

  private static UserTokenKey.Refused refusal(Map<String, String> data) {
    UserTokenKey.Reading r = read(data);
    assertThat(r).isInstanceOf(UserTokenKey.Refused.class);
    UserTokenKey.Refused refused = (UserTokenKey.Refused) r;
    data.values().stream()
        .filter(v -> v.length() > 8)
        .forEach(v -> assertThat(refused.reason()).doesNotContain(v.strip()));
    return refused;
  }

  @Test
  void eachAlgorithmMakesAKeyPinnedToIt() {
    for (BackendSigningKey k :
        new BackendSigningKey[] {
          BackendSigningKey.hs256("app"),
          BackendSigningKey.es256("app"),
          BackendSigningKey.rs256("app"),
          BackendSigningKey.rs256("app", 4096)
        }) {
      UserTokenKey.Reading r = read(k.secretData());
      assertThat(r)
          .isInstanceOfSatisfying(
              UserTokenKey.Usable.class,
              u -> {
                assertThat(u.key().algorithm()).isEqualTo(k.algorithm());
                assertThat(u.key().kid()).isEqualTo("app");
                assertThat(u.key().tenant()).isEqualTo("shop");
                assertThat(u.key().issuer()).isEmpty();
                assertThat(u.key().toString())
                    .isEqualTo("UserTokenKey[shop/app, " + k.algorithm() + "]");
              });
    }
  }

  @Test
  void anIssuerIsKeptAndAnUnusableOneRefused() {
    Map<String, String> data = new HashMap<>(BackendSigningKey.hs256("app").secretData());
    data.put("issuer", " https://shop.example/auth ");
    assertThat(read(data))
        .isInstanceOfSatisfying(
            UserTokenKey.Usable.class,
            u -> assertThat(u.key().issuer()).isEqualTo(Optional.of("https://shop.example/auth")));
    data.put("issuer", "a\nb");
    assertThat(refusal(data).field()).isEqualTo("issuer");
    data.put("issuer", " ");
    assertThat(refusal(data).field()).isEqualTo("issuer");
  }

  @Test
  void theAlgorithmIsRequiredAndOneOfThree() {
    String secret = "s".repeat(40);
    assertThat(refusal(new HashMap<>(Map.of("secret", secret))).field()).isEqualTo("algorithm");
    for (String alg : new String[] {"none", "hs256", "HS512", "PS256", "ES384", "EdDSA", ""}) {
      assertThat(refusal(new HashMap<>(Map.of("algorithm", alg, "secret", secret))))
          .isEqualTo(new UserTokenKey.Refused("algorithm", "must be HS256, ES256 or RS256"));
    }
    assertThat(read(Map.of("algorithm", " HS256\n", "secret", secret)))
        .isInstanceOf(UserTokenKey.Usable.class);
  }

  @Test
  void anHmacSecretIsAtLeast32BytesOfText() {
    assertThat(refusal(new HashMap<>(Map.of("algorithm", "HS256", "secret", "s".repeat(31)))))
        .isEqualTo(new UserTokenKey.Refused("secret", "must be at least 32 bytes"));
    assertThat(read(Map.of("algorithm", "HS256", "secret", "s".repeat(32))))
        .isInstanceOf(UserTokenKey.Usable.class);
    // 11 characters of 3 bytes each: 33 bytes
    assertThat(read(Map.of("algorithm", "HS256", "secret", "\u20ac".repeat(11))))
        .isInstanceOf(UserTokenKey.Usable.class);
    // binary data decoded as UTF-8: the backend's bytes are not these
    String binary =
        new String(
            new byte[] {
              (byte) 0xff,
              (byte) 0xfe,
              1,
              2,
              3,
              4,
              5,
              6,
              7,
              8,
              9,
              10,
              11,
              12,
              13,
              14,
              15,
              16,
              17,
              18,
              19,
              20,
              21,
              22,
              23,
              24,
              25,
              26,
              27,
              28,
              29,
              30,
              31,
              32,
              33
            },
            StandardCharsets.UTF_8);
    assertThat(refusal(new HashMap<>(Map.of("algorithm", "HS256", "secret", binary))).reason())
        .contains("UTF-8");
    assertThat(refusal(new HashMap<>(Map.of("algorithm", "HS256"))).field()).isEqualTo("secret");
  }

  @Test
  void aKeyOfOneKindHoldsNothingOfTheOther() {
    BackendSigningKey es = BackendSigningKey.es256("app");
    Map<String, String> both = new HashMap<>(es.secretData());
    both.put("secret", "s".repeat(40));
    assertThat(refusal(both).field()).isEqualTo("secret");
    both.put("algorithm", "HS256");
    assertThat(refusal(both).field()).isEqualTo("publicKey");
  }

  @Test
  void aPrivateKeyIsRefusedSoThatHeraldNeverHoldsOne() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    String pkcs8 =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    UserTokenKey.Refused r =
        refusal(new HashMap<>(Map.of("algorithm", "RS256", "publicKey", pkcs8)));
    assertThat(r.field()).isEqualTo("publicKey");
    assertThat(r.reason()).contains("private key");
    // a PEM bundle with the public key first does not smuggle it in either
    String bundle =
        BackendSigningKey.pem(pair.getPublic()) + pkcs8.replace("PRIVATE KEY", "RSA PRIVATE KEY");
    assertThat(refusal(new HashMap<>(Map.of("algorithm", "RS256", "publicKey", bundle))).reason())
        .contains("private key");
  }

  @Test
  void publicKeysMustBeOfTheirAlgorithmAndStrongEnough() throws Exception {
    BackendSigningKey es = BackendSigningKey.es256("app");
    BackendSigningKey rs = BackendSigningKey.rs256("app");
    assertThat(
            refusal(new HashMap<>(Map.of("algorithm", "RS256", "publicKey", es.publicKeyPem())))
                .reason())
        .contains("RSA public key");
    assertThat(
            refusal(new HashMap<>(Map.of("algorithm", "ES256", "publicKey", rs.publicKeyPem())))
                .reason())
        .contains("EC public key");
    BackendSigningKey weak = BackendSigningKey.rs256("app", 1024);
    assertThat(
            refusal(new HashMap<>(Map.of("algorithm", "RS256", "publicKey", weak.publicKeyPem())))
                .reason())
        .contains("at least 2048 bits");
  }

  @Test
  void onlyOnePemPublicKeyIsRead() {
    String pem = BackendSigningKey.rs256("app").publicKeyPem();
    assertThat(read(Map.of("algorithm", "RS256", "publicKey", "\n  " + pem + "\n")))
        .isInstanceOf(UserTokenKey.Usable.class);
    for (String bad :
        new String[] {
          pem.replace("PUBLIC KEY", "RSA PUBLIC KEY"),
          pem + pem,
          "not a pem",
          pem.replace("-----END PUBLIC KEY-----", ""),
          pem.replace("M", "*"),
          pem.substring(0, 60) + "\n-----END PUBLIC KEY-----"
        }) {
      assertThat(refusal(new HashMap<>(Map.of("algorithm", "RS256", "publicKey", bad))).field())
          .isEqualTo("publicKey");
    }
    assertThat(refusal(new HashMap<>(Map.of("algorithm", "ES256"))).field()).isEqualTo("publicKey");
  }
}
