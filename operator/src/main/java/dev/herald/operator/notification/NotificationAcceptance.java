package dev.herald.operator.notification;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.Durations;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.sms.SmsSegments;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NewNotification;
import dev.herald.core.store.NotificationRecord;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.template.TemplateContent;
import dev.herald.core.template.TemplateException;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.core.template.TemplateVariables;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.validation.FieldError;
import dev.herald.operator.validation.SchemaValidator;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything that must hold before a Notification's deliveries are written, then the write. Each
 * failed check is a {@link ReconcileProblem} naming the field; nothing is written unless all pass.
 */
public final class NotificationAcceptance {
  static final String DEFAULT_CATEGORY = "transactional";

  private final SchemaValidator schema;
  private final TemplateRenderer renderer;
  private final RecipientResolver recipients;
  private final NotificationWriter store;
  private final Runnable afterWrite;
  private final Duration retention;

  /**
   * @param afterWrite called once deliveries are committed (wakes the relay, so they are published
   *     without waiting for its next poll)
   */
  public NotificationAcceptance(
      SchemaValidator schema,
      TemplateRenderer renderer,
      RecipientResolver recipients,
      NotificationStore store,
      Runnable afterWrite) {
    this(schema, renderer, recipients, store, afterWrite, RetentionSettings.defaults());
  }

  /**
   * @param retention how long notifications are kept: nothing that would stay unfinished longer is
   *     accepted
   */
  public NotificationAcceptance(
      SchemaValidator schema,
      TemplateRenderer renderer,
      RecipientResolver recipients,
      NotificationStore store,
      Runnable afterWrite,
      RetentionSettings retention) {
    this(schema, renderer, recipients, (NotificationWriter) store::accept, afterWrite, retention);
  }

  public NotificationAcceptance(
      SchemaValidator schema,
      TemplateRenderer renderer,
      RecipientResolver recipients,
      NotificationWriter store,
      Runnable afterWrite,
      RetentionSettings retention) {
    this.retention = retention.period();
    this.schema = schema;
    this.renderer = renderer;
    this.recipients = recipients;
    this.store = store;
    this.afterWrite = afterWrite;
  }

  /** The Notification schema's verdict on a spec (a CR's, or an API request's body). */
  public List<FieldError> validate(JsonNode spec) {
    return schema.validate(spec);
  }

  /** Accepts a Notification CR: its spec is checked against the schema first. */
  public NotificationRecord accept(
      Notification resource, NotificationTemplate template, List<DeliveryProvider> providers)
      throws ReconcileProblem {
    NotificationSpec spec = resource.getSpec();
    List<FieldError> errors = validate(spec == null ? null : spec.source());
    if (!errors.isEmpty()) {
      throw ReconcileProblem.invalid(ConditionReasons.INVALID_SPEC, summarise(errors));
    }
    return accept(AcceptRequest.of(resource), template, providers).notification();
  }

  /**
   * Accepts a notification from any source: one path for CRs, API requests and campaign runs. The
   * request's fields have passed the Notification schema. The answer says whether this call wrote
   * it, or found one of the same source written before.
   */
  public NotificationStore.Accepted accept(
      AcceptRequest request, NotificationTemplate template, List<DeliveryProvider> providers)
      throws ReconcileProblem {
    String namespace = request.tenant();
    Instant sendAt = parseSendAt(request.sendAt());
    Instant expiresAt =
        request.expiresAfter() == null
            ? null
            : (sendAt != null ? sendAt : Instant.now())
                .plus(parseExpiresAfter(request.expiresAfter()));
    checkRetention(sendAt, expiresAt);

    if (template == null) {
      throw ReconcileProblem.waiting(
          ConditionReasons.TEMPLATE_NOT_FOUND,
          "spec.template: NotificationTemplate \""
              + request.template()
              + "\" not found in namespace "
              + namespace);
    }
    TemplateContent content = TemplateContent.of(template.getSpec());
    List<TemplateException> compileErrors = renderer.check(content);
    if (!compileErrors.isEmpty()) {
      throw ReconcileProblem.waiting(
          ConditionReasons.TEMPLATE_INVALID,
          "spec.template: NotificationTemplate \""
              + request.template()
              + "\" is not valid: "
              + compileErrors.get(0).getMessage());
    }
    List<Channel> channels = request.channels();
    for (int i = 0; i < channels.size(); i++) {
      Channel channel = channels.get(i);
      if (!content.channels().contains(channel)) {
        throw ReconcileProblem.waiting(
            ConditionReasons.CHANNEL_NOT_IN_TEMPLATE,
            "spec.channels["
                + i
                + "]: NotificationTemplate \""
                + request.template()
                + "\" has no "
                + channel.wireName()
                + " content");
      }
      checkProvider(channel, providers, namespace);
    }

    List<Channel> fallback = request.fallback();
    for (Channel f : fallback) {
      if (!channels.contains(f)) {
        if (!content.channels().contains(f)) {
          throw ReconcileProblem.waiting(
              ConditionReasons.CHANNEL_NOT_IN_TEMPLATE,
              "spec.fallback: NotificationTemplate \""
                  + request.template()
                  + "\" has no "
                  + f.wireName()
                  + " content");
        }
        checkProvider(f, providers, namespace);
      }
    }
    boolean critical = Boolean.TRUE.equals(template.getSpec().getCritical());
    List<NewDelivery> deliveries =
        recipients.resolve(
            namespace, request.recipients(), channels, fallback, request.category(), critical);
    testRender(content, request, deliveries);

    NewNotification notification =
        new NewNotification(
            namespace,
            request.source(),
            request.sourceRef(),
            request.resourceName(),
            request.template(),
            request.category(),
            request.priority(),
            channels,
            fallback,
            content,
            request.data(),
            sendAt,
            expiresAt);
    NotificationStore.Accepted accepted =
        store.accept(notification, deliveries, request.requestHash());
    if (accepted.created()) {
      afterWrite.run();
    }
    return accepted;
  }

  /**
   * A channel needs at least one DeliveryProvider, or nothing could ever send it. One that is not
   * Ready yet (a Secret still to be created, a key being rotated) does not hold the notification
   * back: its deliveries are written and wait in the stream until a provider is Ready.
   */
  private static void checkProvider(
      Channel channel, List<DeliveryProvider> providers, String namespace) throws ReconcileProblem {
    boolean any =
        providers.stream()
            .anyMatch(
                p ->
                    p.getSpec() != null
                        && p.getSpec().getType() != null
                        && p.getSpec().getType().channel() == channel);
    if (!any) {
      throw ReconcileProblem.waiting(
          ConditionReasons.PROVIDER_NOT_FOUND,
          "spec.channels: no DeliveryProvider for channel "
              + channel.wireName()
              + " in namespace "
              + namespace);
    }
  }

  /**
   * Renders each channel once per locale its recipients use (the locale decides the content, along
   * the template's fallback chain), so that a missing variable in any locale fails here, not per
   * delivery. {@code user} has no attributes here (the dispatcher reads them at send): a missing
   * attribute renders as nothing, and a template that renders for a user without any renders for
   * every user whatever attributes they lack.
   */
  private void testRender(
      TemplateContent content, AcceptRequest request, List<NewDelivery> deliveries)
      throws ReconcileProblem {
    JsonNode data = request.data();
    java.util.Map<java.util.List<Object>, NewDelivery> samples = new java.util.LinkedHashMap<>();
    for (NewDelivery d : deliveries) {
      if (d.state() == DeliveryState.PENDING) {
        samples.putIfAbsent(java.util.Arrays.asList(d.channel(), d.locale()), d);
      }
    }
    for (NewDelivery sample : samples.values()) {
      Channel channel = sample.channel();
      try {
        var rendered =
            renderer.render(
                content,
                channel,
                sample.locale(),
                TemplateVariables.of(
                    data,
                    new TemplateVariables.Recipient(
                        sample.userId(), sample.address(), channel.wireName(), sample.locale()),
                    new TemplateVariables.User(null, sample.locale(), null)));
        if (rendered instanceof TemplateRenderer.RenderedSms sms) {
          String tooLong = SmsSegments.tooLong(sms.body(), sms.maxSegments());
          if (tooLong != null) {
            throw ReconcileProblem.waiting(
                ConditionReasons.TOO_MANY_SEGMENTS,
                "template.sms.body: "
                    + tooLong
                    + " (raise sms.maxSegments in NotificationTemplate \""
                    + request.template()
                    + "\" or shorten it)");
          }
        }
      } catch (TemplateException e) {
        String key = content.localeKey(channel, sample.locale());
        String field =
            key == null
                ? e.field()
                : e.field().replaceFirst("^template\\.", "template.locales." + key + ".");
        throw ReconcileProblem.waiting(
            ConditionReasons.RENDER_FAILED,
            field
                + (e.line() != null ? " line " + e.line() : "")
                + " (recipient locale "
                + (sample.locale() == null ? "none" : sample.locale())
                + "): "
                + e.reason()
                + " (check spec.data against NotificationTemplate \""
                + request.template()
                + "\")");
      }
    }
  }

  /**
   * Retention prunes a notification's rows once it has been kept {@code retention}, and keeps a
   * whole day of them while one is unfinished: a send, or an expiry, beyond it is refused.
   */
  private void checkRetention(Instant sendAt, Instant expiresAt) throws ReconcileProblem {
    Instant keptUntil = Instant.now().plus(retention);
    String kept =
        "Herald keeps a notification for " + retention.toDays() + " days (HERALD_RETENTION_DAYS)";
    if (sendAt != null && sendAt.isAfter(keptUntil)) {
      throw ReconcileProblem.invalid(
          ConditionReasons.INVALID_SPEC,
          "spec.sendAt: "
              + sendAt
              + " is more than "
              + retention.toDays()
              + " days ahead; "
              + kept
              + ", so it must be sent within them");
    }
    if (expiresAt != null && expiresAt.isAfter(keptUntil)) {
      throw ReconcileProblem.invalid(
          ConditionReasons.INVALID_SPEC,
          "spec.expiresAfter: its deliveries would expire at "
              + expiresAt
              + ", more than "
              + retention.toDays()
              + " days ahead; "
              + kept
              + ": shorten expiresAfter or send earlier");
    }
  }

  /**
   * An expiresAfter no longer than retention keeps its deliveries; longer (or overflowing) is
   * refused by name.
   */
  private java.time.Duration parseExpiresAfter(String expiresAfter) throws ReconcileProblem {
    try {
      return Durations.parse(expiresAfter, retention);
    } catch (IllegalArgumentException e) {
      throw ReconcileProblem.invalid(
          ConditionReasons.INVALID_SPEC, "spec.expiresAfter: " + e.getMessage());
    }
  }

  private static Instant parseSendAt(String sendAt) throws ReconcileProblem {
    if (sendAt == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(sendAt).toInstant();
    } catch (DateTimeParseException e) {
      throw ReconcileProblem.invalid(
          ConditionReasons.INVALID_SPEC, "spec.sendAt: not an RFC 3339 time: " + sendAt);
    }
  }

  static String summarise(List<FieldError> errors) {
    String shown =
        errors.stream().limit(5).map(FieldError::toString).collect(Collectors.joining("; "));
    return errors.size() > 5 ? shown + "; and " + (errors.size() - 5) + " more" : shown;
  }
}
