package dev.herald.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Channel;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.LocalizedContent;
import dev.herald.api.template.SmsContent;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.RenderedEmail;
import dev.herald.core.template.TemplateRenderer.RenderedSms;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {
  private final TemplateRenderer renderer = new TemplateRenderer();

  private static Map<String, Object> vars(String json) {
    return TemplateVariables.of(
        Json.read(json, com.fasterxml.jackson.databind.JsonNode.class),
        new TemplateVariables.Recipient("u-1", "ada@example.com", "email", "en"));
  }

  private static TemplateContent email(String subject, String html, String text) {
    return new TemplateContent(
        null, new EmailContent(subject, html, text, null, null, null), null, null, null, false);
  }

  @Test
  void htmlIsEscapedAndSubjectAndTextAreNot() throws Exception {
    RenderedEmail mail =
        (RenderedEmail)
            renderer.render(
                email("Hi {{ name }} & co", "<p>{{ name }}</p>", "Hi {{ name }}"),
                Channel.EMAIL,
                null,
                vars("{\"name\": \"<b>Ada</b>\"}"));
    assertThat(mail.subject()).isEqualTo("Hi <b>Ada</b> & co");
    assertThat(mail.html()).isEqualTo("<p>&lt;b&gt;Ada&lt;/b&gt;</p>");
    assertThat(mail.text()).isEqualTo("Hi <b>Ada</b>");
  }

  @Test
  void recipientAndNestedDataAreAvailable() throws Exception {
    RenderedEmail mail =
        (RenderedEmail)
            renderer.render(
                email(
                    "{{ recipient.address }}",
                    null,
                    "{% for i in order.items %}{{ i }};{% endfor %}"),
                Channel.EMAIL,
                null,
                vars("{\"order\": {\"items\": [\"a\", \"b\"]}}"));
    assertThat(mail.subject()).isEqualTo("ada@example.com");
    assertThat(mail.text()).isEqualTo("a;b;");
  }

  @Test
  void aMissingVariableFailsNamingFieldAndLine() {
    assertThatThrownBy(
            () ->
                renderer.render(
                    email("ok", "<p>\n{{ orderId }}</p>", null), Channel.EMAIL, null, vars("{}")))
        .isInstanceOfSatisfying(
            TemplateException.class,
            e -> {
              assertThat(e.field()).isEqualTo("template.email.html");
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("orderId");
            });
  }

  @Test
  void checkReportsSyntaxErrorsWithTheirField() {
    TemplateContent broken =
        new TemplateContent(
            "en",
            new EmailContent("{{ unclosed", "<p>ok</p>", null, null, null, null),
            null,
            null,
            Map.of("de", new LocalizedContent(null, new SmsContent("Hallo {% if %}", null), null)),
            false);
    assertThat(renderer.check(broken))
        .extracting(TemplateException::field)
        .containsExactlyInAnyOrder("spec.email.subject", "spec.locales.de.sms.body");
  }

  @Test
  void localesFallBackFromRegionToLanguageToDefault() throws Exception {
    TemplateContent content =
        new TemplateContent(
            "en",
            null,
            new SmsContent("Hello", null),
            null,
            Map.of(
                "de",
                new LocalizedContent(null, new SmsContent("Hallo", null), null),
                "pt-BR",
                new LocalizedContent(null, new SmsContent("Olá", null), null)),
            false);
    assertThat(((RenderedSms) renderer.render(content, Channel.SMS, "de-AT", vars("{}"))).body())
        .isEqualTo("Hallo");
    assertThat(((RenderedSms) renderer.render(content, Channel.SMS, "pt_BR", vars("{}"))).body())
        .isEqualTo("Olá");
    assertThat(((RenderedSms) renderer.render(content, Channel.SMS, "fr", vars("{}"))).body())
        .isEqualTo("Hello");
    assertThat(((RenderedSms) renderer.render(content, Channel.SMS, null, vars("{}"))).body())
        .isEqualTo("Hello");
  }
}
