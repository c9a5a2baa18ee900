package dev.herald.operator.http;

import dev.herald.core.SecretValues;
import dev.herald.core.config.WatchedNamespaces;
import dev.herald.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' user-token keys, watched as Secrets labelled {@code herald.dev/user-token-key=true}
 * (generic resources, like API keys, so that one unreadable Secret stops nothing). A key is found
 * only in its own namespace, by its Secret's name; adding a Secret adds a key (rotation: add the
 * new one, move the backend to it, delete the old), editing it replaces the key, deleting it (or
 * removing the label) revokes every token it signed. A Secret that makes no key gets an Event
 * naming the field; no key material is ever logged.
 */
final class UserTokenKeys implements UserTokens.Keys, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UserTokenKeys.class);

  private final KubernetesClient kube;
  private final EventRecorder events;

  /** By {@code <namespace>/<name>}. */
  private final Map<String, UserTokenKey> keys = new ConcurrentHashMap<>();

  private volatile LabelledSecrets informer;

  UserTokenKeys(KubernetesClient kube) {
    this.kube = kube;
    this.events = new EventRecorder(kube);
  }

  void start(WatchedNamespaces watched) {
    informer =
        LabelledSecrets.inform(
            kube,
            watched,
            UserTokenKey.LABEL,
            this::apply,
            s -> revoke(id(s.getMetadata().getNamespace(), s.getMetadata().getName())));
  }

  @Override
  public boolean synced() {
    return informer != null && informer.hasSynced();
  }

  @Override
  public Optional<UserTokenKey> find(String tenant, String kid) {
    return Optional.ofNullable(keys.get(id(tenant, kid)));
  }

  private static String id(String namespace, String name) {
    return namespace + "/" + name;
  }

  private void apply(GenericKubernetesResource s) {
    String namespace = s.getMetadata().getNamespace();
    String name = s.getMetadata().getName();
    String id = id(namespace, name);
    SecretValues.Readout readout = SecretValues.read(s);
    if (!readout.problems().isEmpty()) {
      String why = String.join("; ", readout.problems());
      LOG.warn("user-token key Secret {} ignored: it cannot be read: {}", id, why);
      events.warning(
          s, "UserTokenKeyUnreadable", "this user-token key Secret cannot be read: " + why);
      revoke(id);
      return;
    }
    switch (UserTokenKey.read(namespace, name, readout.values())) {
      case UserTokenKey.Usable usable -> {
        keys.put(id, usable.key());
        LOG.info("user-token key {} active ({})", id, usable.key().algorithm());
      }
      case UserTokenKey.Refused refused -> {
        LOG.warn("user-token key Secret {} ignored: {}", id, refused);
        events.warning(s, "UserTokenKeyInvalid", "this user-token key is not used: " + refused);
        revoke(id);
      }
    }
  }

  private void revoke(String id) {
    if (keys.remove(id) != null) {
      LOG.info("user-token key {} revoked: tokens it signed are refused", id);
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
