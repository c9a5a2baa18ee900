package dev.herald.operator.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.Resources;
import dev.herald.operator.validation.FieldError;
import org.junit.jupiter.api.Test;

/** A Campaign's template is rendered for every locale and channel before a run writes anything. */
class CampaignRenderCheckTest {
  private final CampaignRenderCheck check = new CampaignRenderCheck(new TemplateRenderer());

  private static CampaignSpec spec(String yaml) {
    return Resources.campaign(
            """
            apiVersion: herald.dev/v1alpha1
            kind: Campaign
            metadata: {name: weekly, namespace: shop}
            spec:
            """
                + ("template: digest\naudience: {all: true}\nschedule: \"0 9 * * MON\"\n" + yaml)
                    .indent(2))
        .getSpec();
  }

  private static NotificationTemplate template(String spec) {
    return Resources.template(
        """
        apiVersion: herald.dev/v1alpha1
        kind: NotificationTemplate
        metadata: {name: digest, namespace: shop}
        spec:
        """
            + spec.indent(2));
  }

  @Test
  void aTemplateUsingTheUsersFirstNameRendersWithNoProblem() {
    NotificationTemplate t =
        template(
            """
            email:
              subject: "Hi {{ user.firstName }}, {{ headline }}"
              html: "<p>{{ user.firstName | default('there') }} {{ user.address.city }}</p>"
            sms: {body: "{{ headline }} {% if user.vip %}VIP{% endif %}"}
            locales:
              de: {email: {subject: "Hallo {{ user.firstName }}, {{ headline }}"}}
            """);
    assertThat(
            check.problems(
                t, spec("channels: [email]\nfallback: [sms]\ndata: {headline: This week}\n")))
        .isEmpty();
  }

  @Test
  void aSyntaxErrorIsNamedWithTheTemplatesFieldAndNothingIsRendered() {
    NotificationTemplate t = template("email: {subject: \"Hi {{ user.firstName\", text: ok}\n");
    assertThat(check.problems(t, spec("channels: [email]\ndata: {}\n")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.template");
              assertThat(p.message())
                  .contains("NotificationTemplate \"digest\"")
                  .contains("spec.email.subject");
            });
  }

  @Test
  void aDataKeyTheSpecLacksFailsNamingSpecDataTheChannelAndTheKey() {
    NotificationTemplate t =
        template(
            """
            email: {subject: "Hi {{ user.firstName }}", text: "Use code {{ couponCode }}"}
            sms: {body: "Use code {{ couponCode }}"}
            """);
    var problems =
        check.problems(t, spec("channels: [email]\nfallback: [sms]\ndata: {coupon: X1}\n"));
    assertThat(problems).extracting(FieldError::field).containsExactly("spec.data", "spec.data");
    assertThat(problems.get(0).message())
        .startsWith("NotificationTemplate \"digest\" template.email.text line 1 (locale en): ")
        .contains("couponCode");
    assertThat(problems.get(1).message())
        .startsWith("NotificationTemplate \"digest\" template.sms.body line 1 (locale en): ")
        .contains("couponCode");
    assertThat(
            check.problems(t, spec("channels: [email]\nfallback: [sms]\ndata: {couponCode: X1}\n")))
        .isEmpty();
  }

  @Test
  void aFailureInOneLocaleOnlyNamesThatLocale() {
    NotificationTemplate t =
        template(
            """
            defaultLocale: en
            email: {subject: "Hi {{ user.firstName }}", text: "{{ headline }}"}
            locales:
              de: {email: {subject: "Hallo", text: "{{ schlagzeile }}"}}
              fr: {email: {subject: "Salut", text: "{{ headline }}"}}
            """);
    assertThat(check.problems(t, spec("channels: [email]\ndata: {headline: News}\n")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.data");
              assertThat(p.message())
                  .contains("template.locales.de.email.text")
                  .contains("(locale de)")
                  .contains("schlagzeile")
                  .doesNotContain("locales.fr");
            });
  }

  @Test
  void aChannelTheTemplateHasNoContentForIsNamedByItsIndex() {
    NotificationTemplate t = template("email: {subject: \"Hi\", text: ok}\n");
    assertThat(check.problems(t, spec("channels: [email]\nfallback: [sms]\ndata: {}\n")))
        .containsExactly(
            new FieldError(
                "spec.fallback[0]", "NotificationTemplate \"digest\" has no sms content"));
  }
}
