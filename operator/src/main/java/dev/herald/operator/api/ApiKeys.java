package dev.herald.operator.api;

import dev.herald.core.SecretValues;
import dev.herald.core.store.ApiKeyStore;
import dev.herald.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
 */
public final class ApiKeys implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
  public static final String LABEL = "herald.dev/api-key";
  static final int MIN_KEY_LENGTH = 32;
  static final String PRINCIPAL = "herald.principal";

  /** Who is calling: the key (its Secret), the tenant it belongs to, and what it may do. */
  public record Principal(String keyId, String tenant, Set<Scope> scopes) {}

  private final KubernetesClient kube;
  private final EventRecorder events;
  private final ApiKeyStore store;
  private final RateLimiterConfig rateConfig;
  private final Map<String, Principal> byHash = new ConcurrentHashMap<>();
  private final Map<String, String> hashById = new ConcurrentHashMap<>();
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  private SharedIndexInformer<GenericKubernetesResource> informer;

  ApiKeys(KubernetesClient kube, ApiKeyStore store, int ratePerSecond) {
    this.kube = kube;
    this.events = new EventRecorder(kube);
    this.store = store;
    this.rateConfig = RateLimiterConfig.custom().limitForPeriod(ratePerSecond)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build();
  }

  void start() {
    informer = kube.genericKubernetesResources("v1", "Secret").inAnyNamespace().withLabel(LABEL, "true")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource s) {
            apply(s);
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource s) {
            apply(s);
          }

          @Override
          public void onDelete(GenericKubernetesResource s, boolean unknownFinalState) {
            revoke(keyId(s));
          }
        });
  }

  boolean synced() {
    return informer != null && informer.hasSynced();
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
      LOG.warn("API key Secret {} ignored: it needs 'key' (at least {} characters) and 'scopes' (comma list of {})",
          keyId, MIN_KEY_LENGTH, Arrays.stream(Scope.values()).map(Scope::wireName).toList());
      revoke(keyId);
      return;
    }
    byte[] hash = sha256(key);
    String hex = HexFormat.of().formatHex(hash);
    String previous = hashById.put(keyId, hex);
    if (previous != null && !previous.equals(hex)) {
      byHash.remove(previous);
    }
    byHash.put(hex, new Principal(keyId, s.getMetadata().getNamespace(), Set.copyOf(scopes)));
    store.upsert(keyId, s.getMetadata().getNamespace(), hash, scopes.stream().map(Scope::wireName).toList());
    LOG.info("API key {} active with scopes {}", keyId, scopes);
  }

  private void revoke(String keyId) {
    String hex = hashById.remove(keyId);
    if (hex != null) {
      byHash.remove(hex);
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

  /** A route handler admitting keys with any of {@code scopes}, within their rate. */
  Handler<RoutingContext> require(Scope... anyOf) {
    List<Scope> allowed = List.of(anyOf);
    return ctx -> {
      Principal p = authenticate(ctx.request().getHeader("Authorization"));
      RateLimiter limiter = limiters.computeIfAbsent(p.keyId(), id -> RateLimiter.of(id, rateConfig));
      if (!limiter.acquirePermission()) {
        throw Problem.rateLimited(1);
      }
      if (allowed.stream().noneMatch(p.scopes()::contains)) {
        throw Problem.forbidden("this key lacks the scope for this request: one of "
            + allowed.stream().map(Scope::wireName).toList());
      }
      ctx.put(PRINCIPAL, p);
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
