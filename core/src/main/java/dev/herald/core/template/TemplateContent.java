package dev.herald.core.template;

import dev.herald.api.Channel;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.LocalizedContent;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.api.template.PushContent;
import dev.herald.api.template.SmsContent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A template's content as it was when a notification was accepted (stored with the notification, so
 * editing a template never changes a send in progress), with the locale fallback chain.
 */
public record TemplateContent(
    String defaultLocale,
    EmailContent email,
    SmsContent sms,
    PushContent push,
    Map<String, LocalizedContent> locales,
    boolean critical) {

  public TemplateContent {
    defaultLocale = defaultLocale == null ? "en" : defaultLocale;
    locales = locales == null ? Map.of() : Map.copyOf(lowerCaseKeys(locales));
  }

  public static TemplateContent of(NotificationTemplateSpec spec) {
    return new TemplateContent(
        spec.getDefaultLocale(),
        spec.getEmail(),
        spec.getSms(),
        spec.getPush(),
        spec.getLocales(),
        Boolean.TRUE.equals(spec.getCritical()));
  }

  public Set<Channel> channels() {
    Set<Channel> channels = EnumSet.noneOf(Channel.class);
    if (email != null || locales.values().stream().anyMatch(l -> l.email() != null)) {
      channels.add(Channel.EMAIL);
    }
    if (sms != null || locales.values().stream().anyMatch(l -> l.sms() != null)) {
      channels.add(Channel.SMS);
    }
    if (push != null || locales.values().stream().anyMatch(l -> l.push() != null)) {
      channels.add(Channel.PUSH);
    }
    return channels;
  }

  public EmailContent email(String locale) {
    return resolve(locale, LocalizedContent::email, email);
  }

  public SmsContent sms(String locale) {
    return resolve(locale, LocalizedContent::sms, sms);
  }

  public PushContent push(String locale) {
    return resolve(locale, LocalizedContent::push, push);
  }

  /**
   * The key of {@code locales} whose content a recipient of {@code locale} gets on {@code channel},
   * or null for the top-level content: where to look when that content does not render.
   */
  public String localeKey(Channel channel, String locale) {
    Function<LocalizedContent, ?> pick =
        switch (channel) {
          case EMAIL -> LocalizedContent::email;
          case SMS -> LocalizedContent::sms;
          case PUSH -> LocalizedContent::push;
        };
    return chain(locale).stream()
        .filter(c -> locales.get(c) != null && pick.apply(locales.get(c)) != null)
        .findFirst()
        .orElse(null);
  }

  /** {@code de-AT} → {@code de} → the default locale's override → the top-level content. */
  private <T> T resolve(String locale, Function<LocalizedContent, T> pick, T base) {
    for (String candidate : chain(locale)) {
      LocalizedContent localized = locales.get(candidate);
      if (localized != null && pick.apply(localized) != null) {
        return pick.apply(localized);
      }
    }
    return base;
  }

  static List<String> chain(String locale) {
    List<String> chain = new ArrayList<>();
    if (locale != null && !locale.isBlank()) {
      String tag = locale.replace('_', '-').toLowerCase(Locale.ROOT);
      while (!tag.isEmpty()) {
        chain.add(tag);
        int dash = tag.lastIndexOf('-');
        tag = dash < 0 ? "" : tag.substring(0, dash);
      }
    }
    return chain;
  }

  private static Map<String, LocalizedContent> lowerCaseKeys(Map<String, LocalizedContent> in) {
    Map<String, LocalizedContent> out = new LinkedHashMap<>();
    in.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            out.put(k.toLowerCase(Locale.ROOT), v);
          }
        });
    return out;
  }
}
