package dev.herald.operator.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Channel;
import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateContent;
import dev.herald.core.template.TemplateException;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.core.template.TemplateVariables;
import dev.herald.operator.validation.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a Campaign's template renders, checked before a run writes anything. A run is accepted
 * with no recipients (its deliveries are written a page at a time), so no acceptance renders it: a
 * template that cannot render would fail every delivery of the run, one by one, as {@code
 * render_error}.
 *
 * <p>Each channel of {@code spec.channels} and {@code spec.fallback} is rendered once for each
 * content a recipient can get — the template's default locale, its top-level content, and each of
 * its {@code locales} — with {@code spec.data}, a placeholder recipient and a {@code user} without
 * attributes. A missing attribute renders as nothing, so what renders for that user renders for
 * every user whatever attributes they lack; a name {@code spec.data} lacks does not render.
 */
public final class CampaignRenderCheck {
  static final String PLACEHOLDER_USER = "campaign-render-check";

  private final TemplateRenderer renderer;

  public CampaignRenderCheck(TemplateRenderer renderer) {
    this.renderer = renderer;
  }

  /**
   * Every problem with rendering {@code template} for {@code spec}, each naming the Campaign's
   * field ({@code spec.template}, {@code spec.channels[i]}, {@code spec.fallback[i]}, {@code
   * spec.data}) with the template's locale, channel and field and the renderer's message; empty
   * when it renders.
   */
  public List<FieldError> problems(NotificationTemplate template, CampaignSpec spec) {
    Objects.requireNonNull(template, "template");
    String name = template.getMetadata() == null ? null : template.getMetadata().getName();
    String named = "NotificationTemplate \"" + name + "\"";
    List<FieldError> problems = new ArrayList<>();
    if (template.getSpec() == null) {
      problems.add(new FieldError("spec.template", named + " has no spec"));
      return problems;
    }
    TemplateContent content = TemplateContent.of(template.getSpec());
    for (TemplateException e : renderer.check(content)) {
      problems.add(new FieldError("spec.template", named + " does not compile: " + e.getMessage()));
    }
    if (!problems.isEmpty()) {
      return problems;
    }

    Set<Channel> channels = new LinkedHashSet<>();
    addChannels(problems, channels, content, "spec.channels", spec.getChannels(), named);
    addChannels(problems, channels, content, "spec.fallback", spec.getFallback(), named);

    List<String> locales = new ArrayList<>();
    locales.add(content.defaultLocale());
    locales.add(null);
    content.locales().keySet().stream().sorted().forEach(locales::add);

    JsonNode data = data(spec);
    for (Channel channel : channels) {
      // Each content once: a locale without an override of this channel gets another's.
      Set<String> rendered = new HashSet<>();
      for (String locale : locales) {
        String key = content.localeKey(channel, locale);
        if (!rendered.add(key == null ? "" : "locales." + key)) {
          continue;
        }
        try {
          renderer.render(content, channel, locale, variables(data, channel, locale, spec));
        } catch (TemplateException e) {
          String field =
              key == null
                  ? e.field()
                  : e.field().replaceFirst("^template\\.", "template.locales." + key + ".");
          problems.add(
              new FieldError(
                  "spec.data",
                  named
                      + " "
                      + field
                      + (e.line() != null ? " line " + e.line() : "")
                      + " (locale "
                      + (key != null ? key : locale == null ? "none" : locale)
                      + "): "
                      + e.reason()));
        }
      }
    }
    return problems;
  }

  private static void addChannels(
      List<FieldError> problems,
      Set<Channel> channels,
      TemplateContent content,
      String field,
      List<Channel> listed,
      String named) {
    if (listed == null) {
      return;
    }
    for (int i = 0; i < listed.size(); i++) {
      Channel channel = listed.get(i);
      if (channel == null) {
        continue;
      }
      if (!content.channels().contains(channel)) {
        problems.add(
            new FieldError(
                field + "[" + i + "]", named + " has no " + channel.wireName() + " content"));
      } else {
        channels.add(channel);
      }
    }
  }

  private static JsonNode data(CampaignSpec spec) {
    ObjectNode data = Json.MAPPER.createObjectNode();
    Map<String, JsonNode> values = spec.getData();
    if (values != null) {
      values.forEach(data::set);
    }
    return data;
  }

  private static Map<String, Object> variables(
      JsonNode data, Channel channel, String locale, CampaignSpec spec) {
    String address =
        switch (channel) {
          case EMAIL -> "recipient@example.invalid";
          case SMS -> "+15555550100";
          case PUSH -> "device-token";
        };
    return TemplateVariables.of(
        data,
        new TemplateVariables.Recipient(PLACEHOLDER_USER, address, channel.wireName(), locale),
        new TemplateVariables.User(null, locale, spec.getTimeZone()));
  }
}
