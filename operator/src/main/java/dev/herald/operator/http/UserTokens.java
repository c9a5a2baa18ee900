package dev.herald.operator.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies the user token a client app sends in {@code X-Herald-User-Token}: a JWT (JWS compact
 * form) that the tenant's backend signed with one of the tenant's user-token keys, saying which
 * user the app speaks for. Everything about it is checked, and any doubt refuses it (401, naming
 * the header, never quoting the token):
 *
 * <ul>
 *   <li>the header names the key by {@code kid}, looked up only in the calling key's tenant; its
 *       {@code alg} is exactly the algorithm that key is pinned to (so neither {@code none} nor an
 *       HMAC made with a public key passes); {@code typ}, when present, is {@code JWT}; no {@code
 *       crit}; a {@code jwk}, {@code jku} or {@code x5c} in the header is never used;
 *   <li>three parts of canonical base64url (one token, one spelling: no padding, no spaces, no
 *       stray bits), and the signature verifies;
 *   <li>claims: {@code sub} a user id; {@code aud} naming the tenant's namespace; {@code exp} and
 *       {@code iat} required, {@code exp} after now and at most the maximum lifetime after {@code
 *       iat}, {@code iat} (and {@code nbf} when present) not in the future; {@code iss} equal to
 *       the key's issuer when the key names one; each within {@link #CLOCK_SKEW}.
 * </ul>
 */
final class UserTokens {
  static final String HEADER = "X-Herald-User-Token";
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  static final int MAX_LENGTH = 8192;

  /** Three base64url parts, nothing else: no padding, no spaces. */
  private static final Pattern COMPACT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.HS256, JWSAlgorithm.ES256, JWSAlgorithm.RS256);

  /** Where keys come from: a tenant's key by its {@code kid}. */
  interface Keys {
    Optional<UserTokenKey> find(String tenant, String kid);

    boolean synced();
  }

  private final Keys keys;
  private final Duration maxLifetime;
  private final Clock clock;

  UserTokens(Keys keys, Duration maxLifetime, Clock clock) {
    this.keys = keys;
    this.maxLifetime = maxLifetime;
    this.clock = clock;
  }

  boolean synced() {
    return keys.synced();
  }

  /**
   * The user id {@code token} speaks for in {@code tenant}; a 401 problem when anything is wrong
   * with it.
   */
  String subject(String tenant, String token) {
    if (token == null || token.isEmpty()) {
      throw refused(
          "is required with a client key: a JWT from your backend, signed with one of this tenant's"
              + " user-token keys, whose sub is the user the app speaks for");
    }
    if (token.length() > MAX_LENGTH) {
      throw refused("is longer than " + MAX_LENGTH + " characters");
    }
    if (!COMPACT.matcher(token).matches()) {
      throw refused(
          "is not a signed JWT (header.payload.signature, base64url, signed with HS256, ES256 or RS256)");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw refused(
          "is not a signed JWT (header.payload.signature, base64url, signed with HS256, ES256 or RS256)");
    }
    for (Base64URL part : jwt.getParsedParts()) {
      if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
        throw refused("is not canonical base64url (stray bits in a part's last character)");
      }
    }
    UserTokenKey key = key(tenant, jwt.getHeader());
    try {
      if (!jwt.verify(key.verifier())) {
        throw refused("has a signature that does not verify with the key " + key.kid());
      }
    } catch (JOSEException e) {
      throw refused("has a signature that cannot be checked with the key " + key.kid());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("has a payload that is not a JSON claims set");
    }
    checkTimes(claims);
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(tenant)) {
      throw refused("needs aud naming this tenant's namespace (" + tenant + ")");
    }
    if (key.issuer().isPresent() && !key.issuer().get().equals(claims.getIssuer())) {
      throw refused("needs the iss the key " + key.kid() + " names (" + key.issuer().get() + ")");
    }
    // nimbus reads a number as a subject too; a user id is a string
    if (!(jwt.getPayload().toJSONObject().get(JWTClaimNames.SUBJECT) instanceof String subject)) {
      throw refused("needs sub, a string: the user id the app speaks for");
    }
    if (!ContactFormats.userId(subject)) {
      throw refused("has a sub that is not a user id (" + ContactFormats.USER_ID + ")");
    }
    return subject;
  }

  /** The tenant's key the header names, if the header is one Herald accepts for it. */
  private UserTokenKey key(String tenant, JWSHeader header) {
    JWSAlgorithm alg = header.getAlgorithm();
    if (!ALGORITHMS.contains(alg)) {
      throw refused(
          "is signed with an algorithm Herald does not accept: use HS256, ES256 or RS256");
    }
    JOSEObjectType type = header.getType();
    if (type != null && !"JWT".equalsIgnoreCase(type.getType())) {
      throw refused("has a typ other than JWT");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw refused("has crit header parameters, which Herald does not understand");
    }
    String kid = header.getKeyID();
    if (kid == null || kid.isEmpty()) {
      throw refused(
          "needs kid in its header: the name of the user-token key Secret that signed it");
    }
    UserTokenKey key =
        keys.find(tenant, kid)
            .orElseThrow(
                () ->
                    refused("names by kid no user-token key of this tenant (unknown, or deleted)"));
    if (!alg.equals(key.algorithm())) {
      throw refused(
          "says alg "
              + alg
              + ", but the key "
              + key.kid()
              + " verifies "
              + key.algorithm()
              + " only");
    }
    return key;
  }

  private void checkTimes(JWTClaimsSet claims) {
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null) {
      throw refused("needs exp: user tokens are short-lived");
    }
    if (iat == null) {
      throw refused("needs iat: when it was issued");
    }
    Instant now = clock.instant();
    if (!exp.toInstant().isAfter(now.minus(CLOCK_SKEW))) {
      throw refused("has expired: mint a new one");
    }
    if (iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
      throw refused("has an iat in the future");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
      throw refused("is not valid yet (nbf)");
    }
    if (!exp.after(iat)) {
      throw refused("has an exp that is not after its iat");
    }
    if (Duration.between(iat.toInstant(), exp.toInstant()).compareTo(maxLifetime) > 0) {
      throw refused(
          "lives longer than the " + human(maxLifetime) + " a user token may (exp - iat)");
    }
  }

  private static String human(Duration d) {
    return d.toSeconds() % 3600 == 0 ? d.toHours() + " h" : d.toSeconds() + " s";
  }

  private static Problem refused(String what) {
    return Problem.unauthorized(HEADER, HEADER + " " + what);
  }
}
