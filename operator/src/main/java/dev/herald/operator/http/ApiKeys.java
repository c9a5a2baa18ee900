package dev.herald.operator.http;

import dev.herald.core.SecretValues;
import dev.herald.core.config.WatchedNamespaces;
import dev.herald.core.store.ApiKeyStore;
import dev.herald.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys provisioned the Kubernetes way: a Secret labelled {@code herald.dev/api-key=true} in the
 * tenant's namespace, with {@code key} (the bearer value, at least 32 characters) and {@code
 * scopes} (comma list of send, contacts, read, client). An informer keeps, per Secret, only the
 * SHA-256 of the key (in memory for lookups, and in the {@code api_keys} table); editing the Secret
 * rotates the key, deleting it (or removing the label) revokes it. The informer holds the Secrets
 * as generic resources, so that one whose {@code data} fabric8's Secret class cannot read is
 * skipped (and reported on it) instead of stopping the informer.
 *
 * <p>A key value belongs to exactly one Secret, and so to one tenant: a Secret holding a value that
 * another Secret already holds (in any namespace) is ignored, with an {@code ApiKeyDuplicate} Event
 * on it; deleting it leaves the owner's key working. At start-up the oldest Secret owns a value.
 * When the owner is deleted, a copy in the same namespace takes over.
 *
 * <p>A {@code client} key is the one shipped in apps in users' hands, so it is public: it has no
 * other scope (a Secret mixing {@code client} with another is ignored), and alone it touches no
 * user. Each of its requests carries a user token ({@link UserTokens}) that the tenant's backend
 * signed; the request acts for that token's user only ({@link Principal#actingFor}).
 */
public final class ApiKeys implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
  public static final String LABEL = "herald.dev/api-key";
  static final int MIN_KEY_LENGTH = 32;
  static final String PRINCIPAL = "herald.principal";

  /**
   * Who is calling: the key (its Secret), the tenant it belongs to, what it may do, and — for a
   * client key — the user its request's user token speaks for.
   */
  public record Principal(
      String keyId, String tenant, Set<Scope> scopes, Optional<String> actingFor) {
    Principal acting(String userId) {
      return new Principal(keyId, tenant, scopes, Optional.of(userId));
    }

    /**
     * Refuses (403) a client app's request about another user than the one its token speaks for.
     */
    void mustActFor(String userId) {
      if (actingFor.isPresent() && !actingFor.get().equals(userId)) {
        throw Problem.forbidden(
            UserTokens.HEADER,
            "this user token speaks for another user than the one this" + " request is about");
      }
    }
  }

  private final KubernetesClient kube;
  private final EventRecorder events;
  private final ApiKeyStore store;
  private final RateLimiterConfig rateConfig;
  private final UserTokens userTokens;
  private final Map<String, Principal> byHash = new ConcurrentHashMap<>();
  private final Map<String, String> hashById = new ConcurrentHashMap<>();
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  /**
   * Every Secret holding each key value (by hash), and the one that owns it; guarded by {@code
   * this}.
   */
  private final Map<String, List<Claim>> claims = new HashMap<>();

  private final Map<String, Claim> owners = new HashMap<>();
  private volatile LabelledSecrets informer;

  ApiKeys(KubernetesClient kube, ApiKeyStore store, int ratePerSecond, UserTokens userTokens) {
    this.kube = kube;
    this.events = new EventRecorder(kube);
    this.store = store;
    this.userTokens = userTokens;
    this.rateConfig =
        RateLimiterConfig.custom()
            .limitForPeriod(ratePerSecond)
            .limitRefreshPeriod(Duration.ofSeconds(1))
            .timeoutDuration(Duration.ZERO)
            .build();
  }

  void start(WatchedNamespaces watched) {
    informer = LabelledSecrets.inform(kube, watched, LABEL, this::apply, s -> revoke(keyId(s)));
  }

  /** The keys and the user-token keys are listed. */
  boolean synced() {
    return informer != null && informer.hasSynced() && userTokens.synced();
  }

  static String keyId(GenericKubernetesResource s) {
    return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
  }

  private void apply(GenericKubernetesResource s) {
    String keyId = keyId(s);
    SecretValues.Readout readout = SecretValues.read(s);
    if (!readout.problems().isEmpty()) {
      String why = String.join("; ", readout.problems());
      LOG.warn("API key Secret {} ignored: it cannot be read: {}", keyId, why);
      events.warning(s, "ApiKeyUnreadable", "this API key Secret cannot be read: " + why);
      revoke(keyId);
      return;
    }
    String key = trimmed(readout.values().get("key"));
    String scopesText = readout.values().get("scopes");
    EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
    boolean valid = key != null && key.length() >= MIN_KEY_LENGTH && scopesText != null;
    if (valid) {
      for (String part : scopesText.split(",")) {
        Scope scope = Scope.fromWire(part.trim());
        if (scope == null) {
          valid = false;
        } else {
          scopes.add(scope);
        }
      }
    }
    if (!valid) {
      LOG.warn(
          "API key Secret {} ignored: it needs 'key' (at least {} characters) and 'scopes' (comma list of {})",
          keyId,
          MIN_KEY_LENGTH,
          Arrays.stream(Scope.values()).map(Scope::wireName).toList());
      revoke(keyId);
      return;
    }
    if (scopes.contains(Scope.CLIENT) && scopes.size() > 1) {
      // A client key ships inside apps: whatever else it could do, every user of the app could.
      LOG.warn(
          "API key Secret {} ignored: the client scope cannot be combined with another", keyId);
      events.warning(
          s,
          "ApiKeyInvalid",
          "this API key is not used: the client scope is for keys shipped in apps,"
              + " which are public, and cannot be combined with another scope; give the backend a key of its own");
      revoke(keyId);
      return;
    }
    byte[] hash = sha256(key);
    String hex = HexFormat.of().formatHex(hash);
    Claim claim =
        new Claim(
            keyId,
            s.getMetadata().getNamespace(),
            s.getMetadata().getCreationTimestamp() == null
                ? ""
                : s.getMetadata().getCreationTimestamp(),
            hash,
            new Principal(
                keyId, s.getMetadata().getNamespace(), Set.copyOf(scopes), Optional.empty()),
            s);
    synchronized (this) {
      release(keyId);
      hashById.put(keyId, hex);
      List<Claim> holders = claims.computeIfAbsent(hex, h -> new ArrayList<>());
      holders.add(claim);
      // A value no Secret owns goes to this one; during the first list (start-up) the oldest
      // Secret wins whatever the order they are listed in.
      Claim owner = owners.get(hex);
      boolean initialList = informer == null || !informer.hasSynced();
      if (owner == null || (initialList && OLDEST_FIRST.compare(claim, owner) < 0)) {
        if (owner != null) {
          refuse(owner, claim);
        }
        owner = claim;
        owners.put(hex, claim);
      }
      if (owner.keyId().equals(keyId)) {
        activate(hex, claim);
      } else {
        refuse(claim, owner);
      }
    }
  }

  /** A Secret's hold on a key value. */
  private record Claim(
      String keyId,
      String tenant,
      String created,
      byte[] hash,
      Principal principal,
      GenericKubernetesResource secret) {}

  private static final Comparator<Claim> OLDEST_FIRST =
      Comparator.comparing(Claim::created).thenComparing(Claim::keyId);

  private void activate(String hex, Claim claim) {
    byHash.put(hex, claim.principal());
    store.upsert(
        claim.keyId(),
        claim.tenant(),
        claim.hash(),
        claim.principal().scopes().stream().map(Scope::wireName).sorted().toList());
    LOG.info("API key {} active with scopes {}", claim.keyId(), claim.principal().scopes());
  }

  /** A key value another Secret already holds: this Secret's copy does nothing, and says so. */
  private void refuse(Claim claim, Claim owner) {
    store.revoke(claim.keyId());
    limiters.remove(claim.keyId());
    // Another tenant's Secret is not named to this one.
    String whose =
        owner.tenant().equals(claim.tenant())
            ? "the Secret " + owner.keyId()
            : "a Secret of another namespace";
    LOG.warn(
        "API key Secret {} ignored: its key value is already the key of {}",
        claim.keyId(),
        owner.keyId());
    events.warning(
        claim.secret(),
        "ApiKeyDuplicate",
        "this key value is already the API key of "
            + whose
            + "; a key belongs to exactly one Secret, so this one is ignored: give it a new value");
  }

  /**
   * Lets go of {@code keyId}'s key value: when it owned the value, the oldest other holder in the
   * same namespace takes it over (a Secret renamed by creating the copy first); a holder in another
   * namespace never does — its Secret stays ignored until it changes.
   */
  private void release(String keyId) {
    String hex = hashById.remove(keyId);
    if (hex == null) {
      return;
    }
    List<Claim> holders = claims.getOrDefault(hex, new ArrayList<>());
    holders.removeIf(c -> c.keyId().equals(keyId));
    Claim owner = owners.get(hex);
    if (owner != null && owner.keyId().equals(keyId)) {
      owners.remove(hex);
      byHash.remove(hex);
      holders.stream()
          .filter(c -> c.tenant().equals(owner.tenant()))
          .min(OLDEST_FIRST)
          .ifPresent(
              next -> {
                owners.put(hex, next);
                activate(hex, next);
              });
    }
    if (holders.isEmpty()) {
      claims.remove(hex);
    }
  }

  private synchronized void revoke(String keyId) {
    boolean held = hashById.containsKey(keyId);
    release(keyId);
    if (held) {
      limiters.remove(keyId);
      store.revoke(keyId);
      LOG.info("API key {} revoked", keyId);
    }
  }

  private static String trimmed(String value) {
    return value == null ? null : value.trim();
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The caller of a request with {@code Authorization: Bearer <key>}. */
  Principal authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw Problem.unauthorized("send Authorization: Bearer <API key>");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.unauthorized("the Authorization scheme must be Bearer");
    }
    Principal p = byHash.get(HexFormat.of().formatHex(sha256(authorization.substring(7).trim())));
    if (p == null) {
      throw Problem.unauthorized("unknown or revoked API key");
    }
    return p;
  }

  /**
   * A route for backends: keys with any of {@code anyOf}, within their rate; a client key is
   * refused (403).
   */
  Handler<RoutingContext> require(Scope... anyOf) {
    return admit(List.of(anyOf), ClientAccess.NONE, null);
  }

  /**
   * A route about the user that the path parameter {@code userParam} names: keys with any of {@code
   * anyOf}, and client keys whose user token speaks for that user (another user's token: 403).
   */
  Handler<RoutingContext> requireOrUser(String userParam, Scope... anyOf) {
    return admit(List.of(anyOf), ClientAccess.PATH_USER, userParam);
  }

  /**
   * A route about something a user owns (a delivery to them): keys with any of {@code anyOf}, and
   * client keys with a valid user token; the handler then calls {@link Principal#mustActFor} with
   * the owner.
   */
  Handler<RoutingContext> requireOrTokenUser(Scope... anyOf) {
    return admit(List.of(anyOf), ClientAccess.TOKEN_USER, null);
  }

  /** Whether, and how, a route lets a client key in. */
  private enum ClientAccess {
    NONE,
    PATH_USER,
    TOKEN_USER
  }

  private Handler<RoutingContext> admit(
      List<Scope> allowed, ClientAccess clients, String userParam) {
    if (allowed.contains(Scope.CLIENT)) {
      throw new IllegalArgumentException(
          "client keys are let in by the user they act for, not by a scope");
    }
    String needed =
        allowed.stream().map(Scope::wireName).toList()
            + (clients == ClientAccess.NONE ? "" : ", or client with " + UserTokens.HEADER);
    return ctx -> {
      Principal p = authenticate(ctx.request().getHeader("Authorization"));
      RateLimiter limiter =
          limiters.computeIfAbsent(p.keyId(), id -> RateLimiter.of(id, rateConfig));
      if (!limiter.acquirePermission()) {
        throw Problem.rateLimited(1);
      }
      if (allowed.stream().anyMatch(p.scopes()::contains)) {
        ctx.put(PRINCIPAL, p);
        ctx.next();
        return;
      }
      if (clients == ClientAccess.NONE || !p.scopes().contains(Scope.CLIENT)) {
        throw Problem.forbidden("this key lacks the scope for this request: one of " + needed);
      }
      Principal acting =
          p.acting(userTokens.subject(p.tenant(), ctx.request().getHeader(UserTokens.HEADER)));
      if (clients == ClientAccess.PATH_USER) {
        acting.mustActFor(ctx.pathParam(userParam));
      }
      ctx.put(PRINCIPAL, acting);
      ctx.next();
    };
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
