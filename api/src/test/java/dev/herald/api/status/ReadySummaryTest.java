package dev.herald.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.notification.NotificationPhase;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.template.NotificationTemplateStatus;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code Ready} summary that {@code kubectl wait}, Argo CD and Flux read on every kind. */
class ReadySummaryTest {

  @ParameterizedTest
  @EnumSource(NotificationPhase.class)
  void aNotificationIsReadyOnlyWhenCompletedAndNeverReadyAfterFailing(NotificationPhase phase) {
    var status = new NotificationStatus();
    status.setCondition(NotificationStatus.ACCEPTED, true, "Accepted", "stored");
    status.setPhase(phase);
    status.summarize();

    Condition ready = status.condition(HeraldStatus.READY).orElseThrow();
    String expected =
        switch (phase) {
          case Completed -> "True";
          case Failed, PartiallyFailed, Cancelled -> "False";
          case Pending, Scheduled, Dispatching -> "Unknown";
        };
    assertThat(ready.getStatus()).isEqualTo(expected);
    assertThat(ready.getReason()).isEqualTo(phase.name());
  }

  @Test
  void aRejectedNotificationIsNotReadyAndSaysWhy() {
    var status = new NotificationStatus();
    status.setCondition(NotificationStatus.ACCEPTED, false, "TemplateNotFound", "spec.template");
    status.summarize();

    Condition ready = status.condition(HeraldStatus.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("TemplateNotFound");
    assertThat(ready.getMessage()).isEqualTo("spec.template");
  }

  @Test
  void aTemplateIsReadyAsItIsValid() {
    var status = new NotificationTemplateStatus();
    status.setCondition(NotificationTemplateStatus.VALID, false, "TemplateSyntax", "en/email.body");
    status.summarize();
    assertThat(status.condition(HeraldStatus.READY).orElseThrow().getStatus()).isEqualTo("False");

    status.setCondition(NotificationTemplateStatus.VALID, true, "Compiled", "2 channels");
    status.summarize();
    assertThat(status.isTrue(HeraldStatus.READY)).isTrue();
  }

  @Test
  void aSuspendedCampaignIsReadyButOneThatCannotStartIsNot() {
    var status = new CampaignStatus();
    status.summarize();
    assertThat(status.condition(HeraldStatus.READY).orElseThrow().getStatus()).isEqualTo("Unknown");

    status.setCondition(CampaignStatus.VALID, true, "Valid", "ok");
    status.setCondition(CampaignStatus.SCHEDULED, false, ConditionReasons.SUSPENDED, "suspended");
    status.summarize();
    assertThat(status.isTrue(HeraldStatus.READY)).isTrue();

    status.setCondition(
        CampaignStatus.SCHEDULED, false, ConditionReasons.TOO_MANY_MISSED_TIMES, "too many");
    status.summarize();
    Condition ready = status.condition(HeraldStatus.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ConditionReasons.TOO_MANY_MISSED_TIMES);

    status.setCondition(CampaignStatus.VALID, false, "InvalidSchedule", "spec.schedule");
    status.summarize();
    assertThat(status.condition(HeraldStatus.READY).orElseThrow().getReason())
        .isEqualTo("InvalidSchedule");
  }

  @Test
  void theSummaryKeepsItsTransitionTimeWhileItsStatusHolds() {
    var status = new NotificationStatus();
    status.setCondition(NotificationStatus.ACCEPTED, true, "Accepted", "stored");
    status.setPhase(NotificationPhase.Completed);
    status.summarize();
    String first = status.condition(HeraldStatus.READY).orElseThrow().getLastTransitionTime();
    status.summarize();
    assertThat(status.condition(HeraldStatus.READY).orElseThrow().getLastTransitionTime())
        .isEqualTo(first);
  }
}
