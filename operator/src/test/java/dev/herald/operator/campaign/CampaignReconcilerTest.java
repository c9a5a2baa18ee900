package dev.herald.operator.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.status.ConditionReasons;
import dev.herald.operator.InMemoryContext;
import dev.herald.operator.RecordedEvents;
import dev.herald.operator.Resources;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * A Campaign's Valid condition: what the schema lets through but cannot work — a schedule that
 * never fires, an unknown zone, a deadline no run can meet — is False and names the field.
 */
class CampaignReconcilerTest {
  private final RecordedEvents events = new RecordedEvents();
  private final CampaignReconciler reconciler =
      new CampaignReconciler(SchemaValidator.forResource(Campaign.class), events.recorder());

  private Campaign campaign(String spec) {
    return Resources.campaign(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Campaign
        metadata: {name: weekly, namespace: shop, generation: 3}
        spec:
        """
            + ("template: digest\naudience: {all: true}\nchannels: [email]\n" + spec).indent(2));
  }

  private Condition valid(Campaign c) {
    UpdateControl<Campaign> control = reconciler.reconcile(c, new InMemoryContext<>(c));
    CampaignStatus status = control.getResource().orElseThrow().getStatus();
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    return status.condition(CampaignStatus.VALID).orElseThrow();
  }

  @Test
  void aWeeklyCampaignAtNineInItsZoneWithQuietHoursAndACapIsValid() {
    Condition valid =
        valid(
            campaign(
                """
                schedule: "0 9 * * MON"
                timeZone: Europe/Berlin
                deliverAt: "09:00"
                quietHours: {start: "21:00", end: "08:00"}
                frequencyCap: {count: 2, window: 168h}
                startingDeadlineSeconds: 600
                """));

    assertThat(valid.getStatus()).isEqualTo("True");
    assertThat(valid.getReason()).isEqualTo(ConditionReasons.SCHEDULE_VALID);
  }

  @Test
  void aScheduleThatNeverFiresIsNotValidAndAWarningSaysWhichField() {
    Condition valid = valid(campaign("schedule: \"0 0 30 2 *\"\n"));

    assertThat(valid.getStatus()).isEqualTo("False");
    assertThat(valid.getReason()).isEqualTo(ConditionReasons.INVALID_SCHEDULE);
    assertThat(valid.getMessage()).startsWith("spec.schedule: ");
    assertThat(events.shown())
        .singleElement()
        .asString()
        .startsWith("Warning " + ConditionReasons.INVALID_SCHEDULE + ": spec.schedule");
  }

  @Test
  void aSpecTheSchemaRefusesIsInvalidSpecBeforeAnyScheduleCheck() {
    Condition valid =
        valid(campaign("schedule: \"0 9 * * *\"\nstartAt: \"2026-12-24T18:00:00Z\"\n"));

    assertThat(valid.getStatus()).isEqualTo("False");
    assertThat(valid.getReason()).isEqualTo(ConditionReasons.INVALID_SPEC);
  }

  @Test
  void anUnknownZoneIsNotValidAndNamesSpecTimeZone() {
    Condition valid = valid(campaign("schedule: \"0 9 * * *\"\ntimeZone: Mars/Olympus_Mons\n"));

    assertThat(valid.getReason()).isEqualTo(ConditionReasons.INVALID_SCHEDULE);
    assertThat(valid.getMessage()).startsWith("spec.timeZone: ").contains("Mars/Olympus_Mons");
  }

  @Test
  void aCapWindowLongerThanDeliveriesAreKeptCannotWorkAndIsNamed() {
    // the schema accepts up to 8760h; the default retention keeps deliveries 720h
    Condition valid =
        valid(campaign("schedule: \"0 9 * * *\"\nfrequencyCap: {count: 1, window: 2000h}\n"));

    assertThat(valid.getStatus()).isEqualTo("False");
    assertThat(valid.getReason()).isEqualTo(ConditionReasons.INVALID_SCHEDULE);
    assertThat(valid.getMessage())
        .startsWith("spec.frequencyCap.window: ")
        .contains("720h")
        .contains("HERALD_RETENTION_DAYS");
  }

  @Test
  void aBadZoneAndABadScheduleAreBothNamed() {
    Condition valid = valid(campaign("schedule: \"0 0 30 2 *\"\ntimeZone: Mars/Olympus_Mons\n"));

    assertThat(valid.getMessage()).contains("spec.timeZone: ").contains("spec.schedule: ");
  }

  /** Values the schema's patterns and bounds accept, each of which cannot work, with its field. */
  @Provide
  Arbitrary<Tuple.Tuple2<String, String>> unworkable() {
    return Arbitraries.oneOf(
        Arbitraries.of("0 0 30 2 *", "0 0 31 4 *", "0 0 31 6,9,11 *", "60 * * * *", "* 24 * * *")
            .map(s -> Tuple.of("schedule: \"" + s + "\"\n", "spec.schedule")),
        Arbitraries.of("Europe/Atlantis", "Moon/Base", "EST5EDT-", "Utc", "europe/berlin")
            .map(z -> Tuple.of("schedule: \"@daily\"\ntimeZone: " + z + "\n", "spec.timeZone")),
        Arbitraries.of("2026-13-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-12-24T25:00:00+01:00")
            .map(t -> Tuple.of("startAt: \"" + t + "\"\n", "spec.startAt")),
        Arbitraries.integers()
            .between(721, 8760)
            .map(
                h ->
                    Tuple.of(
                        "schedule: \"@daily\"\nfrequencyCap: {count: 3, window: " + h + "h}\n",
                        "spec.frequencyCap.window")),
        Arbitraries.just(
            Tuple.of(
                "schedule: \"@hourly\"\nstartingDeadlineSeconds: 0\n",
                "spec.startingDeadlineSeconds")));
  }

  @Property(tries = 60)
  void aValueThatCannotWorkIsNamedInTheCondition(
      @ForAll("unworkable") Tuple.Tuple2<String, String> spec) {
    Condition valid = valid(campaign(spec.get1()));

    assertThat(valid.getStatus()).as(spec.get1()).isEqualTo("False");
    assertThat(valid.getMessage()).as(valid.getReason() + " " + spec.get1()).contains(spec.get2());
  }
}
