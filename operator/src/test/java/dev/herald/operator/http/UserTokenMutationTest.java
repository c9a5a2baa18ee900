package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.testkit.tokens.BackendSigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated attacks on user tokens (fixed seeds): any change to a genuine token — a character, a
 * part, a part of another tenant's or user's token, a re-encoded header or payload — is refused
 * with a 401, unless what it spells is itself a genuine token; and a token the backend signed with
 * arbitrary claims is accepted exactly when its claims follow the rules.
 */
class UserTokenMutationTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final String SHOP = "shop";
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final BackendSigningKey HS = BackendSigningKey.hs256("app-hs");
  private static final BackendSigningKey ES = BackendSigningKey.es256("app-es");
  private static final BackendSigningKey RS = BackendSigningKey.rs256("app-rs");
  private static final BackendSigningKey RIVAL = BackendSigningKey.es256("app-es");
  private static final List<BackendSigningKey> SHOP_KEYS = List.of(HS, ES, RS);

  /** Genuine tokens the shop accepts, with the user each speaks for. */
  private static final Map<String, String> GENUINE = new LinkedHashMap<>();

  /** Tokens an attacker may also hold: the rival tenant's, for the same user ids. */
  private static final List<String> FOREIGN;

  static {
    for (BackendSigningKey key : SHOP_KEYS) {
      for (String user : List.of("ada", "bob")) {
        GENUINE.put(key.sign(key.header().build(), claims(user, SHOP).build()), user);
      }
    }
    FOREIGN =
        List.of(
            RIVAL.sign(RIVAL.header().build(), claims("ada", "rival").build()),
            RIVAL.sign(RIVAL.header().build(), claims("ada", SHOP).build()));
  }

  private final UserTokens tokens =
      new UserTokens(
          new UserTokens.Keys() {
            private final Map<String, UserTokenKey> keys = keys();

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

  private static Map<String, UserTokenKey> keys() {
    Map<String, UserTokenKey> keys = new LinkedHashMap<>();
    for (BackendSigningKey k : SHOP_KEYS) {
      keys.put(
          SHOP + "/" + k.kid(),
          ((UserTokenKey.Usable) UserTokenKey.read(SHOP, k.kid(), k.secretData())).key());
    }
    keys.put(
        "rival/" + RIVAL.kid(),
        ((UserTokenKey.Usable) UserTokenKey.read("rival", RIVAL.kid(), RIVAL.secretData())).key());
    return keys;
  }

  private static JWTClaimsSet.Builder claims(String user, String tenant) {
    return BackendSigningKey.claims(user, tenant, NOW.minusSeconds(30), Duration.ofMinutes(15));
  }

  // --------------------------------------------------------------------------- mutations

  /** One change an attacker makes to a token. */
  sealed interface Mutation {
    String apply(String token);
  }

  record ReplaceCharacter(int at, char with) implements Mutation {
    public String apply(String t) {
      int i = Math.floorMod(at, t.length());
      return t.substring(0, i) + with + t.substring(i + 1);
    }
  }

  record DeleteCharacters(int at, int count) implements Mutation {
    public String apply(String t) {
      int i = Math.floorMod(at, t.length());
      return t.substring(0, i) + t.substring(Math.min(t.length(), i + count));
    }
  }

  record InsertText(int at, String text) implements Mutation {
    public String apply(String t) {
      int i = Math.floorMod(at, t.length() + 1);
      return t.substring(0, i) + text + t.substring(i);
    }
  }

  record SwapParts(int a, int b) implements Mutation {
    public String apply(String t) {
      String[] p = t.split("\\.", -1);
      String x = p[a];
      p[a] = p[b];
      p[b] = x;
      return String.join(".", p);
    }
  }

  /** A part taken from another token: another user's, another key's, another tenant's. */
  record ForeignPart(int part, int donor) implements Mutation {
    public String apply(String t) {
      List<String> donors = new java.util.ArrayList<>(GENUINE.keySet());
      donors.addAll(FOREIGN);
      String[] p = t.split("\\.", -1);
      p[part] = donors.get(Math.floorMod(donor, donors.size())).split("\\.", -1)[part];
      return String.join(".", p);
    }
  }

  /**
   * The header or payload decoded, one JSON member rewritten, encoded again; the signature kept.
   */
  record RewriteMember(int part, String member, String json) implements Mutation {
    public String apply(String t) {
      String[] p = t.split("\\.", -1);
      String decoded = new Base64URL(p[part]).decodeToString();
      String rewritten =
          decoded.matches(".*\"" + member + "\":.*")
              ? decoded.replaceFirst(
                  "\"" + member + "\":(\"[^\"]*\"|\\[[^\\]]*\\]|[0-9]+)",
                  "\"" + member + "\":" + json)
              : decoded.replaceFirst("^\\{", "{\"" + member + "\":" + json + ",");
      p[part] = Base64URL.encode(rewritten.getBytes(StandardCharsets.UTF_8)).toString();
      return String.join(".", p);
    }
  }

  /** Several changes in a row. */
  record Several(List<Mutation> steps) implements Mutation {
    public String apply(String t) {
      for (Mutation m : steps) {
        t = m.apply(t);
        if (t.isEmpty() || t.split("\\.", -1).length != 3) {
          return t;
        }
      }
      return t;
    }
  }

  @Provide
  Arbitrary<String> genuine() {
    return Arbitraries.of(List.copyOf(GENUINE.keySet()));
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    Arbitrary<Mutation> one =
        Arbitraries.oneOf(
            Combinators.combine(Arbitraries.integers(), characters()).as(ReplaceCharacter::new),
            Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(1, 40))
                .as(DeleteCharacters::new),
            Combinators.combine(Arbitraries.integers(), insertions()).as(InsertText::new),
            Combinators.combine(
                    Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2))
                .filter((a, b) -> !a.equals(b))
                .as(SwapParts::new),
            Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers())
                .as(ForeignPart::new),
            Combinators.combine(
                    Arbitraries.of(1),
                    Arbitraries.of("sub", "aud", "exp", "iat", "nbf", "iss"),
                    claimValues())
                .as(RewriteMember::new),
            Combinators.combine(
                    Arbitraries.of(0),
                    Arbitraries.of("alg", "kid", "typ", "crit", "jwk"),
                    headerValues())
                .as(RewriteMember::new));
    return Arbitraries.oneOf(one, one.list().ofMinSize(2).ofMaxSize(4).map(Several::new));
  }

  private static Arbitrary<Character> characters() {
    return Arbitraries.oneOf(
        Arbitraries.of(ALPHABET.toCharArray()).map(c -> (Character) c),
        Arbitraries.of('.', '=', ' ', '+', '/', '\u0000', '\n', '\u00e9', '\uff21'));
  }

  private static Arbitrary<String> insertions() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars(ALPHABET + ".=").ofMinLength(1).ofMaxLength(12),
        Arbitraries.of(".", "..", "=", "==", " ", "\t", "%2E", "\r\n"));
  }

  private static Arbitrary<String> claimValues() {
    long now = NOW.getEpochSecond();
    return Arbitraries.of(
        "\"root\"",
        "\"bob\"",
        "\"ada\"",
        "\"rival\"",
        "[\"rival\",\"x\"]",
        "[\"shop\"]",
        Long.toString(now + 86400 * 365),
        Long.toString(now - 86400),
        Long.toString(now),
        "0",
        "9999999999",
        "\"https://evil.example\"",
        "null",
        "7");
  }

  private static Arbitrary<String> headerValues() {
    return Arbitraries.of(
        "\"none\"",
        "\"HS256\"",
        "\"ES256\"",
        "\"RS256\"",
        "\"PS256\"",
        "\"app-hs\"",
        "\"app-es\"",
        "\"app-rs\"",
        "\"../app-hs\"",
        "\"JWT\"",
        "\"at+jwt\"",
        "[\"exp\"]",
        "{\"kty\":\"oct\",\"k\":\"AAAA\"}",
        "null",
        "\"\"");
  }

  @Property(tries = 3000, seed = "20261202")
  void aChangedTokenIsRefusedUnlessItSpellsAGenuineOne(
      @ForAll("genuine") String token, @ForAll("mutations") Mutation mutation) {
    String changed = mutation.apply(token);
    Statistics.collect(
        changed.equals(token)
            ? "unchanged"
            : GENUINE.containsKey(changed) ? "another genuine" : "changed");
    try {
      String user = tokens.subject(SHOP, changed);
      assertThat(GENUINE).as("accepted %s from %s", changed, mutation).containsEntry(changed, user);
    } catch (Problem p) {
      assertThat(p.status()).isEqualTo(401);
      assertThat(p.errors())
          .singleElement()
          .extracting(e -> e.field())
          .isEqualTo(UserTokens.HEADER);
      assertThat(GENUINE)
          .as("refused a genuine token: %s", p.getMessage())
          .doesNotContainKey(changed);
    }
  }

  // -------------------------------------------------------------------------- claims model

  /** Claims a backend might sign; times in seconds from now, null when absent. */
  record Claims(String sub, Object aud, Long iat, Long exp, Long nbf, int key) {
    boolean followTheRules() {
      long skew = UserTokens.CLOCK_SKEW.toSeconds();
      boolean audience = SHOP.equals(aud) || (aud instanceof List<?> l && l.contains(SHOP));
      return sub != null
          && ContactFormats.userId(sub)
          && audience
          && iat != null
          && exp != null
          && exp > -skew
          && iat <= skew
          && (nbf == null || nbf <= skew)
          && exp > iat
          && exp - iat <= 86_400;
    }

    JWTClaimsSet build() {
      JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(sub);
      if (aud instanceof String s) {
        b.audience(s);
      } else if (aud instanceof List<?> l) {
        b.audience(l.stream().map(String::valueOf).toList());
      }
      b.issueTime(at(iat)).expirationTime(at(exp)).notBeforeTime(at(nbf));
      return b.build();
    }

    private static Date at(Long offset) {
      return offset == null ? null : Date.from(NOW.plusSeconds(offset));
    }
  }

  /** Mostly what a backend sends, often just across one of the limits, sometimes anything. */
  @Provide
  Arbitrary<Claims> claimSets() {
    Arbitrary<String> subs =
        Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.of("ada", "bob@example.com", "u:1", "A.b-c_d+e@f")),
                Tuple.of(
                    3,
                    Arbitraries.oneOf(
                        Arbitraries.of("", "-x", "a b", "\u00e9", "a/b"),
                        Arbitraries.strings()
                            .withChars("abc.-_:@+/ ")
                            .ofMinLength(1)
                            .ofMaxLength(8))))
            .injectNull(0.03);
    Arbitrary<Object> auds =
        Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.of(SHOP, List.of("x", SHOP), List.of(SHOP, SHOP))),
                Tuple.of(3, Arbitraries.of("rival", "Shop", " shop", List.of("rival"), List.of())))
            .map(a -> (Object) a)
            .injectNull(0.03);
    Arbitrary<Long> limits = Arbitraries.of(-61L, -60L, -59L, -1L, 0L, 1L, 59L, 60L, 61L);
    Arbitrary<Long> iats =
        Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(-3600, 60)),
                Tuple.of(2, Arbitraries.longs().between(-200_000, 200_000)),
                Tuple.of(2, limits))
            .injectNull(0.03);
    Arbitrary<Long> lifetimes =
        Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(1, 86_400)),
                Tuple.of(2, Arbitraries.longs().between(-1000, 200_000)),
                Tuple.of(2, Arbitraries.of(0L, 1L, 86_399L, 86_400L, 86_401L)))
            .injectNull(0.03);
    Arbitrary<Long> nbfs =
        Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(-3600, 0)), Tuple.of(2, limits))
            .injectNull(0.7);
    return Combinators.combine(
            subs, auds, iats, lifetimes, nbfs, Arbitraries.integers().between(0, 2))
        .as(
            (sub, aud, iat, lifetime, nbf, key) ->
                new Claims(
                    sub,
                    aud,
                    iat,
                    lifetime == null ? null : (iat == null ? 0 : iat) + lifetime,
                    nbf,
                    key));
  }

  @Property(tries = 1500, seed = "20261203")
  void aSignedTokenIsAcceptedExactlyWhenItsClaimsFollowTheRules(
      @ForAll("claimSets") Claims claims) {
    BackendSigningKey key = SHOP_KEYS.get(claims.key());
    String token = key.sign(key.header().build(), claims.build());
    Statistics.collect(claims.followTheRules() ? "follows the rules" : "breaks one");
    Statistics.coverage(
        c -> {
          c.check("follows the rules").percentage(p -> p > 10);
          c.check("breaks one").percentage(p -> p > 25);
        });
    if (claims.followTheRules()) {
      assertThat(tokens.subject(SHOP, token)).isEqualTo(claims.sub());
    } else {
      try {
        tokens.subject(SHOP, token);
        throw new AssertionError("accepted " + claims);
      } catch (Problem p) {
        assertThat(p.status()).isEqualTo(401);
      }
    }
  }
}
