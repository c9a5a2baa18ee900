package dev.herald.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Channel;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.SmsContent;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.RenderedEmail;
import dev.herald.core.template.TemplateRenderer.RenderedSms;
import dev.herald.core.template.TemplateVariables.Recipient;
import dev.herald.core.template.TemplateVariables.User;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What templates see of the contact store's user under {@code user}. */
class UserAttributesTemplateTest {
  private final TemplateRenderer renderer = new TemplateRenderer();

  private static final Recipient ADA = new Recipient("u-ada", "ada@example.com", "email", "en");
  private static final Recipient RAW = new Recipient(null, "raw@example.com", "email", "en");

  private static User user(String attributes) {
    return new User(Json.read(attributes, JsonNode.class), "de-AT", "Europe/Vienna");
  }

  private static JsonNode data(String json) {
    return Json.read(json, JsonNode.class);
  }

  private static TemplateContent email(String subject, String html, String text) {
    return new TemplateContent(
        null, new EmailContent(subject, html, text, null, null, null), null, null, null, false);
  }

  private static TemplateContent sms(String body) {
    return new TemplateContent(null, null, new SmsContent(body, null), null, null, false);
  }

  private String text(String body, Recipient recipient, User user) throws TemplateException {
    return ((RenderedSms)
            renderer.render(
                sms(body), Channel.SMS, "en", TemplateVariables.of(data("{}"), recipient, user)))
        .body();
  }

  @Example
  void attributesIdLocaleAndTimeZoneAreUnderUser() throws Exception {
    User ada =
        user("{\"firstName\": \"Ada\", \"plan\": \"pro\", \"address\": {\"city\": \"Wien\"}}");
    assertThat(
            text(
                "Hi {{ user.firstName }} ({{ user.id }}, {{ user.plan }}, {{ user.address.city }},"
                    + " {{ user.locale }}, {{ user.timeZone }})",
                ADA,
                ada))
        .isEqualTo("Hi Ada (u-ada, pro, Wien, de-AT, Europe/Vienna)");
  }

  @Example
  void numbersBooleansAndListsBehaveAsInData() throws Exception {
    User ada = user("{\"visits\": 3, \"score\": 1.5, \"vip\": true, \"tags\": [\"a\", \"b\"]}");
    assertThat(
            text(
                "{{ user.visits + 1 }} {{ user.visits == 3 }} {{ user.score }}"
                    + " {{ user.visits | numberformat('#.00') }}"
                    + " {% if user.vip %}vip{% endif %}"
                    + " {% for t in user.tags %}{{ t }}{{ t.x }};{% endfor %} {{ user.tags | length }}",
                ADA, ada))
        .isEqualTo("4 true 1.5 3.00 vip a;b; 2");
  }

  @Example
  void theContactStoresIdLocaleAndZoneWinOverAttributesOfThoseNames() throws Exception {
    User spoof = user("{\"id\": \"someone-else\", \"locale\": \"xx\", \"timeZone\": \"Mars\"}");
    assertThat(text("{{ user.id }} {{ user.locale }} {{ user.timeZone }}", ADA, spoof))
        .isEqualTo("u-ada de-AT Europe/Vienna");
  }

  @Example
  void aMissingAttributeRendersAsNothingAtAnyDepthWhileDataStaysStrict() throws Exception {
    User ada = user("{\"firstName\": \"Ada\", \"nickname\": null, \"tags\": [\"a\"]}");
    assertThat(
            text(
                "[{{ user.lastName }}|{{ user.nickname }}|{{ user.address.city }}"
                    + "|{{ user.tags[3] }}|{{ user.tags[0].x }}|{{ user['first-name'] }}]",
                ADA,
                ada))
        .isEqualTo("[|||||]");
    assertThat(
            text(
                "Hi {{ user.lastName | default('there') }}"
                    + "{% if user.vip %} VIP{% endif %}"
                    + "{% if user.lastName is empty %}!{% endif %}"
                    + "{% for t in user.interests | default([]) %}{{ t }}{% endfor %}"
                    + "{{ user.lastName | upper | trim }}",
                ADA, ada))
        .isEqualTo("Hi there!");
    // The same renderer still refuses a name that data lacks.
    assertThatThrownBy(() -> text("{{ orderId }} {{ user.firstName }}", ADA, ada))
        .isInstanceOfSatisfying(
            TemplateException.class, e -> assertThat(e.reason()).contains("orderId"));
  }

  @Example
  void aRawAddressHasAnEmptyUser() throws Exception {
    assertThat(text("[{{ user.id }}{{ user.firstName }}]", RAW, user("{\"firstName\": \"X\"}")))
        .isEqualTo("[]");
    assertThat(text("{% if user is empty %}empty{% endif %}", RAW, null)).isEqualTo("empty");
  }

  @Example
  void attributeNamesReachNoJavaMethod() throws Exception {
    User ada = user("{\"firstName\": \"Ada\"}");
    assertThat(text("[{{ user.size }}{{ user.getClass() }}{{ user.keySet() }}]", ADA, ada))
        .isEqualTo("[]");
    assertThat(text("[{{ user.firstName.getClass() }}]", ADA, ada)).isEqualTo("[]");
  }

  @Example
  void attributeValuesAreEscapedInTheHtmlPartExactlyAsData() throws Exception {
    User mallory = user("{\"firstName\": \"<script>alert(1)</script>\"}");
    RenderedEmail mail =
        (RenderedEmail)
            renderer.render(
                email(
                    "Hi {{ user.firstName }}",
                    "<p>{{ user.firstName }}</p><p>{{ note }}</p>",
                    "Hi {{ user.firstName }}"),
                Channel.EMAIL,
                "en",
                TemplateVariables.of(
                    data("{\"note\": \"<script>alert(1)</script>\"}"), ADA, mallory));
    String escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assertThat(mail.html()).isEqualTo("<p>" + escaped + "</p><p>" + escaped + "</p>");
    assertThat(mail.subject()).isEqualTo("Hi <script>alert(1)</script>");
    assertThat(mail.text()).isEqualTo("Hi <script>alert(1)</script>");
  }

  @Example
  void aDataKeyNamedUserIsShadowedAsRecipientIs() throws Exception {
    Map<String, Object> vars =
        TemplateVariables.of(data("{\"user\": {\"firstName\": \"Data\"}}"), ADA, user("{}"));
    assertThat(
            ((RenderedSms) renderer.render(sms("[{{ user.firstName }}]"), Channel.SMS, "en", vars))
                .body())
        .isEqualTo("[]");
  }

  /**
   * Whatever the attributes and whatever path a template asks for, the render succeeds: it gives
   * the attribute's text where the path leads to a string, number or boolean, and nothing where it
   * leads nowhere (an absent key, a null, or past a scalar).
   */
  @Property(tries = 400, seed = "20261203")
  void anyPathIntoAnyAttributesRendersWithoutFailing(
      @ForAll("attributes") ObjectNode attributes, @ForAll("paths") List<String> path)
      throws Exception {
    String rendered =
        text("[{{ user." + String.join(".", path) + " }}]", ADA, new User(attributes, null, null));
    ObjectNode root = attributes.deepCopy();
    root.put("id", ADA.userId());
    JsonNode at = root;
    for (String segment : path) {
      at = at != null && at.isObject() ? at.get(segment) : null;
    }
    if (at == null || at.isNull()) {
      assertThat(rendered).isEqualTo("[]");
    } else if (at.isValueNode()) {
      assertThat(rendered).isEqualTo("[" + at.asText() + "]");
    }
  }

  @Provide
  Arbitrary<List<String>> paths() {
    return Arbitraries.of("a", "b", "c", "id", "size", "class").list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<ObjectNode> attributes() {
    return node(3).map(n -> n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode());
  }

  private static Arbitrary<JsonNode> node(int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Arbitrary<JsonNode> scalar =
        Arbitraries.oneOf(
            Arbitraries.strings().alpha().ofMaxLength(6).map(f::textNode),
            Arbitraries.integers().between(-5, 5).map(f::numberNode),
            Arbitraries.of(true, false).map(f::booleanNode),
            Arbitraries.just(f.nullNode()));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<JsonNode> object =
        Arbitraries.maps(Arbitraries.of("a", "b", "c", "id", "size"), node(depth - 1))
            .ofMaxSize(4)
            .map(
                m -> {
                  ObjectNode o = f.objectNode();
                  m.forEach(o::set);
                  return o;
                });
    Arbitrary<JsonNode> array =
        node(depth - 1).list().ofMaxSize(3).map(l -> f.arrayNode().addAll(l));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, object),
        net.jqwik.api.Tuple.of(1, array),
        net.jqwik.api.Tuple.of(2, scalar));
  }
}
