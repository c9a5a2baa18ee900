package dev.herald.api.notification;

import dev.herald.api.HeraldGroup;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One send of a template to named recipients. */
@Group(HeraldGroup.GROUP)
@Categories(HeraldGroup.CATEGORY)
@Version(HeraldGroup.VERSION)
@Kind("Notification")
@ShortNames({"notif", "hn"})
@AdditionalPrinterColumn(
    name = "Template",
    jsonPath = ".spec.template",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Total",
    jsonPath = ".status.total",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Sent",
    jsonPath = ".status.sent",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Failed",
    jsonPath = ".status.failed",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Notification extends CustomResource<NotificationSpec, NotificationStatus>
    implements Namespaced {

  // No initStatus(): a resource the API server has not given a status to must read as having none,
  // or status patches would be computed against a status that is not there.
}
