package dev.herald.operator;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Herald's resources built in memory from YAML, as the API server would hand them to the operator
 * (specs keep the JSON they were read from, which the schema check reads).
 */
public final class Resources {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Resources() {}

  public static Notification notification(String yaml) {
    return SERIALIZATION.unmarshal(yaml, Notification.class);
  }

  public static NotificationTemplate template(String yaml) {
    return SERIALIZATION.unmarshal(yaml, NotificationTemplate.class);
  }

  public static Campaign campaign(String yaml) {
    return SERIALIZATION.unmarshal(yaml, Campaign.class);
  }

  public static DeliveryProvider provider(String yaml) {
    return SERIALIZATION.unmarshal(yaml, DeliveryProvider.class);
  }

  /** A Secret as the operator's informer holds it: a generic resource. */
  public static GenericKubernetesResource secret(String yaml) {
    return SERIALIZATION.unmarshal(yaml, GenericKubernetesResource.class);
  }
}
