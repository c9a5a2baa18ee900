package dev.herald.core.template;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.api.Channel;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.PushContent;
import dev.herald.api.template.SmsContent;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.cache.template.CaffeineTemplateCache;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders template content with Pebble. HTML bodies are auto-escaped, so a variable holding {@code
 * <script>} arrives as text; subjects, plain text, SMS and push are not HTML and are not escaped.
 * Variables must exist (strict mode): a typo fails loudly instead of sending a blank. The one
 * exception is {@code user}: an attribute a user lacks renders as nothing (see {@link
 * TemplateVariables}), as users' data must never fail a send.
 */
public final class TemplateRenderer {
  private final PebbleEngine html;
  private final PebbleEngine text;

  public TemplateRenderer() {
    this.html = engine(true);
    this.text = engine(false);
  }

  private static PebbleEngine engine(boolean escapeHtml) {
    return new PebbleEngine.Builder()
        .loader(new StringLoader())
        .autoEscaping(escapeHtml)
        .defaultEscapingStrategy("html")
        .strictVariables(true)
        .extension(new UserValues.Extension())
        .newLineTrimming(false)
        .templateCache(new CaffeineTemplateCache(Caffeine.newBuilder().maximumSize(5_000).build()))
        .build();
  }

  public RenderedEmail email(EmailContent content, Map<String, Object> vars, String field)
      throws TemplateException {
    return new RenderedEmail(
        headerSafe(render(text, content.subject(), vars, field + ".subject"), field + ".subject"),
        content.html() == null ? null : render(html, content.html(), vars, field + ".html"),
        content.text() == null ? null : render(text, content.text(), vars, field + ".text"),
        headerSafe(content.from(), field + ".from"),
        headerSafe(content.fromName(), field + ".fromName"),
        headerSafe(content.replyTo(), field + ".replyTo"));
  }

  /**
   * {@code value} when it can be a header (an e-mail subject or address, a push title): a CR, an LF
   * or another control character in it would end the header and start another, so it is refused (at
   * acceptance, which renders every channel once, and again at send).
   */
  static String headerSafe(String value, String field) throws TemplateException {
    if (value != null) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
          throw new TemplateException(
              field,
              null,
              "renders a line break or control character ("
                  + (c == '\r' ? "CR" : c == '\n' ? "LF" : String.format("U+%04X", (int) c))
                  + "), which cannot be in a header: check the data it uses");
        }
      }
    }
    return value;
  }

  public String sms(SmsContent content, Map<String, Object> vars, String field)
      throws TemplateException {
    return render(text, content.body(), vars, field + ".body");
  }

  public RenderedPush push(PushContent content, Map<String, Object> vars, String field)
      throws TemplateException {
    Map<String, String> data = new LinkedHashMap<>();
    if (content.data() != null) {
      for (var e : content.data().entrySet()) {
        data.put(e.getKey(), render(text, e.getValue(), vars, field + ".data." + e.getKey()));
      }
    }
    return new RenderedPush(
        headerSafe(render(text, content.title(), vars, field + ".title"), field + ".title"),
        content.body() == null ? null : render(text, content.body(), vars, field + ".body"),
        data,
        content.sound(),
        content.badge(),
        content.collapseKey(),
        Boolean.TRUE.equals(content.mutableContent()));
  }

  /** Compiles every template in the content; returns one problem per template that does not. */
  public List<TemplateException> check(TemplateContent content) {
    List<TemplateException> problems = new ArrayList<>();
    checkChannels(problems, "spec", content.email(), content.sms(), content.push());
    content
        .locales()
        .forEach(
            (locale, l) ->
                checkChannels(problems, "spec.locales." + locale, l.email(), l.sms(), l.push()));
    return problems;
  }

  private void checkChannels(
      List<TemplateException> problems,
      String prefix,
      EmailContent email,
      SmsContent sms,
      PushContent push) {
    if (email != null) {
      compile(problems, text, email.subject(), prefix + ".email.subject");
      compile(problems, html, email.html(), prefix + ".email.html");
      compile(problems, text, email.text(), prefix + ".email.text");
    }
    if (sms != null) {
      compile(problems, text, sms.body(), prefix + ".sms.body");
    }
    if (push != null) {
      compile(problems, text, push.title(), prefix + ".push.title");
      compile(problems, text, push.body(), prefix + ".push.body");
      if (push.data() != null) {
        push.data().forEach((k, v) -> compile(problems, text, v, prefix + ".push.data." + k));
      }
    }
  }

  private static void compile(
      List<TemplateException> problems, PebbleEngine engine, String source, String field) {
    if (source == null) {
      return;
    }
    try {
      engine.getTemplate(source);
    } catch (PebbleException e) {
      problems.add(new TemplateException(field, e.getLineNumber(), e.getPebbleMessage()));
    }
  }

  private static String render(
      PebbleEngine engine, String source, Map<String, Object> vars, String field)
      throws TemplateException {
    try {
      PebbleTemplate template = engine.getTemplate(source);
      StringWriter out = new StringWriter(source.length() + 64);
      template.evaluate(out, vars);
      return out.toString();
    } catch (PebbleException e) {
      throw new TemplateException(field, e.getLineNumber(), e.getPebbleMessage());
    } catch (IOException | RuntimeException e) {
      throw new TemplateException(
          field, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Renders the content of one channel in the recipient's locale (see {@link TemplateContent}'s
   * fallback chain).
   */
  public Rendered render(
      TemplateContent content, Channel channel, String locale, Map<String, Object> vars)
      throws TemplateException {
    String field = "template." + channel.wireName();
    return switch (channel) {
      case EMAIL -> {
        EmailContent email = content.email(locale);
        if (email == null) {
          throw new TemplateException(field, null, "the template has no e-mail content");
        }
        yield email(email, vars, field).withCritical(content.critical());
      }
      case SMS -> {
        SmsContent sms = content.sms(locale);
        if (sms == null) {
          throw new TemplateException(field, null, "the template has no SMS content");
        }
        yield new RenderedSms(sms(sms, vars, field), sms.maxSegments());
      }
      case PUSH -> {
        PushContent push = content.push(locale);
        if (push == null) {
          throw new TemplateException(field, null, "the template has no push content");
        }
        yield push(push, vars, field);
      }
    };
  }

  /** Content ready for a provider. */
  public sealed interface Rendered permits RenderedEmail, RenderedSms, RenderedPush {}

  /**
   * What a rendered e-mail consists of; html or text may be absent, and a sender left out means the
   * provider's.
   */
  /**
   * A rendered e-mail; {@code critical} when its template is (it then carries no unsubscribe link,
   * as it bypasses opt-outs).
   */
  public record RenderedEmail(
      String subject,
      String html,
      String text,
      String from,
      String fromName,
      String replyTo,
      boolean critical)
      implements Rendered {
    public RenderedEmail(
        String subject, String html, String text, String from, String fromName, String replyTo) {
      this(subject, html, text, from, fromName, replyTo, false);
    }

    public RenderedEmail withCritical(boolean critical) {
      return new RenderedEmail(subject, html, text, from, fromName, replyTo, critical);
    }
  }

  public record RenderedSms(String body, Integer maxSegments) implements Rendered {}

  /**
   * A rendered push; sound, badge, collapse key and mutable-content come from the template as
   * written.
   */
  public record RenderedPush(
      String title,
      String body,
      Map<String, String> data,
      String sound,
      Integer badge,
      String collapseKey,
      boolean mutableContent)
      implements Rendered {}
}
