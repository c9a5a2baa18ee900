package dev.herald.api.template;

import dev.herald.api.HeraldGroup;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Per-channel content with locales, rendered with Pebble (HTML auto-escaped). */
@Group(HeraldGroup.GROUP)
@Categories(HeraldGroup.CATEGORY)
@Version(HeraldGroup.VERSION)
@Kind("NotificationTemplate")
@ShortNames({"ntpl", "htpl"})
@AdditionalPrinterColumn(
    name = "Valid",
    jsonPath = ".status.conditions[?(@.type==\"Valid\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Channels",
    jsonPath = ".status.channels",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class NotificationTemplate
    extends CustomResource<NotificationTemplateSpec, NotificationTemplateStatus>
    implements Namespaced {

  // No initStatus(): a resource the API server has not given a status to must read as having none,
  // or status patches would be computed against a status that is not there.
}
