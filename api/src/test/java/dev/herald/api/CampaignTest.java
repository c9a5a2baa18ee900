package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignRunPhase;
import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.campaign.ConcurrencyPolicy;
import dev.herald.api.campaign.SelectorOperator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** The Campaign's Java model reads what users write and writes back the same. */
class CampaignTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private static final String FULL =
      """
      apiVersion: herald.dev/v1alpha1
      kind: Campaign
      metadata: {name: weekly-digest, namespace: shop}
      spec:
        template: weekly-digest
        audience:
          selector:
            matchLabels: {plan: pro}
            matchExpressions:
              - {key: country, operator: In, values: [DE, AT]}
              - {key: churned, operator: DoesNotExist}
        channels: [push, email]
        fallback: [sms]
        category: digest
        priority: normal
        data: {issue: 42, links: [{title: Hi}], draft: false}
        schedule: "0 9 * * MON"
        timeZone: Europe/Berlin
        suspend: true
        concurrencyPolicy: Replace
        startingDeadlineSeconds: 3600
        successfulRunsHistoryLimit: 5
        failedRunsHistoryLimit: 2
        deliverAt: "09:00"
        quietHours: {start: "21:00", end: "08:00"}
        throttle: 500
        frequencyCap: {count: 2, window: 168h}
      status:
        observedGeneration: 4
        conditions:
          - {type: Valid, status: "True", reason: Valid, message: ok,
             lastTransitionTime: "2026-12-07T08:00:00Z", observedGeneration: 4}
        lastScheduleTime: "2026-12-07T08:00:00Z"
        nextScheduleTime: "2026-12-14T08:00:00Z"
        lastSuccessfulTime: "2026-11-30T09:12:00Z"
        progress: 1200/5000
        active:
          id: run-7
          scheduledFor: "2026-12-07T08:00:00Z"
          startedAt: "2026-12-07T08:00:01Z"
          phase: Running
          total: 5000
          sent: 1100
          failed: 20
          suppressed: 60
          cancelled: 20
          pending: 3800
        recentRuns:
          - {id: run-6, scheduledFor: "2026-11-30T08:00:00Z", startedAt: "2026-11-30T08:00:02Z",
             finishedAt: "2026-11-30T09:12:00Z", phase: Completed, total: 4900, sent: 4850,
             failed: 0, suppressed: 50, cancelled: 0, pending: 0}
      """;

  @Test
  void aFullCampaignRoundTripsThroughTheJavaModel() throws Exception {
    Campaign c = serialization.unmarshal(FULL, Campaign.class);

    CampaignSpec spec = c.getSpec();
    assertThat(spec.getAudience().getSelector().getMatchLabels()).containsEntry("plan", "pro");
    assertThat(spec.getAudience().getSelector().getMatchExpressions().get(1).getOperator())
        .isEqualTo(SelectorOperator.DoesNotExist);
    assertThat(spec.getChannels()).containsExactly(Channel.PUSH, Channel.EMAIL);
    assertThat(spec.getPriority()).isEqualTo(Priority.NORMAL);
    assertThat(spec.getConcurrencyPolicy()).isEqualTo(ConcurrencyPolicy.Replace);
    assertThat(spec.getQuietHours().getEnd()).isEqualTo("08:00");
    assertThat(spec.getFrequencyCap().getWindow()).isEqualTo("168h");
    assertThat(c.getStatus().getActive().getPending()).isEqualTo(3800);
    assertThat(c.getStatus().getRecentRuns().get(0).getPhase())
        .isEqualTo(CampaignRunPhase.Completed);
    assertThat(c.getStatus().isTrue("Valid")).isTrue();

    String back = serialization.asYaml(c);
    assertThat(YAML.readTree(back)).isEqualTo(YAML.readTree(FULL));
    assertThat(back).doesNotContain("source");
  }

  @Test
  void absentFieldsReadAsTheSchemaDefaults() {
    Campaign c =
        serialization.unmarshal(
            """
            apiVersion: herald.dev/v1alpha1
            kind: Campaign
            metadata: {name: launch, namespace: shop}
            spec:
              template: launch
              audience: {all: true}
              channels: [email]
              startAt: "2026-12-01T10:00:00Z"
            """,
            Campaign.class);
    CampaignSpec spec = c.getSpec();
    assertThat(spec.getPriority()).isEqualTo(Priority.BULK);
    assertThat(spec.getCategory()).isEqualTo("marketing");
    assertThat(spec.getSuspend()).isFalse();
    assertThat(spec.getConcurrencyPolicy()).isEqualTo(ConcurrencyPolicy.Forbid);
    assertThat(spec.getSuccessfulRunsHistoryLimit()).isEqualTo(3);
    assertThat(spec.getFailedRunsHistoryLimit()).isEqualTo(1);
    assertThat(spec.getAudience().getAll()).isTrue();
    assertThat(c.getStatus()).isNull();
  }

  @Test
  void aBrokenSpecIsReadWithoutFailingAndItsSourceIsKept() {
    Campaign c =
        serialization.unmarshal(
            """
            apiVersion: herald.dev/v1alpha1
            kind: Campaign
            metadata: {name: broken, namespace: shop}
            spec:
              template: digest
              audience: {selector: {matchExpressions: [{key: plan, operator: Near}]}, all: "yes"}
              channels: [email, pigeon]
              priority: urgent
              concurrencyPolicy: Sometimes
              throttle: fast
              frequencyCap: [2, 24h]
              colour: blue
            """,
            Campaign.class);
    CampaignSpec spec = c.getSpec();
    assertThat(spec.getTemplate()).isEqualTo("digest");
    assertThat(spec.getPriority()).isNull();
    assertThat(spec.getConcurrencyPolicy()).isNull();
    assertThat(spec.getThrottle()).isNull();
    assertThat(spec.getChannels()).containsExactly(Channel.EMAIL, null);
    assertThat(spec.source().get("colour").asText()).isEqualTo("blue");
    JsonNode operator = spec.source().at("/audience/selector/matchExpressions/0/operator");
    assertThat(operator.asText()).isEqualTo("Near");
  }
}
