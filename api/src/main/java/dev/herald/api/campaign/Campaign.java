package dev.herald.api.campaign;

import dev.herald.api.HeraldGroup;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A template sent to an audience of the contact store, on a cron schedule or once, each run
 * delivering to every user of the audience at that moment.
 */
@Group(HeraldGroup.GROUP)
@Categories(HeraldGroup.CATEGORY)
@Version(HeraldGroup.VERSION)
@Kind("Campaign")
@ShortNames({"camp", "hc"})
// The generator orders columns by jsonPath: both are written as subscripts so that Schedule comes
// before Suspend. The union shows whichever of schedule and startAt is set (CEL lets exactly one
// be); kube-apiserver's JSONPath and the sandbox's both take the first value found.
@AdditionalPrinterColumn(
    name = "Schedule",
    jsonPath = ".spec['schedule','startAt']",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Suspend",
    jsonPath = ".spec['suspend']",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Last Run",
    jsonPath = ".status.lastScheduleTime",
    type = AdditionalPrinterColumn.Type.DATE)
// A string, not a date: kubectl shows a date as the time since, and a future one as <invalid>.
@AdditionalPrinterColumn(
    name = "Next Run",
    jsonPath = ".status.nextScheduleTime",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Campaign extends CustomResource<CampaignSpec, CampaignStatus> implements Namespaced {

  // No initStatus(): a resource the API server has not given a status to must read as having none,
  // or status patches would be computed against a status that is not there.
}
