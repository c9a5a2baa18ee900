package dev.herald.api.provider;

import dev.herald.api.HeraldGroup;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How one channel reaches its provider. Credentials stay in the referenced Secret. */
@Group(HeraldGroup.GROUP)
@Categories(HeraldGroup.CATEGORY)
@Version(HeraldGroup.VERSION)
@Kind("DeliveryProvider")
@ShortNames({"dp", "hdp"})
@AdditionalPrinterColumn(
    name = "Type",
    jsonPath = ".spec.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Channel",
    jsonPath = ".status.channel",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DeliveryProvider extends CustomResource<DeliveryProviderSpec, DeliveryProviderStatus>
    implements Namespaced {

  // No initStatus(): a resource the API server has not given a status to must read as having none,
  // or status patches would be computed against a status that is not there.
}
