package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.core.log.Mask;
import dev.herald.core.store.DeliveryStore.ReceiptTarget;
import dev.herald.core.store.EarlyReceipts.Result;
import dev.herald.core.store.WebhookReceipts;
import dev.herald.providers.Callback;
import dev.herald.providers.CallbackRefused;
import dev.herald.providers.CallbackReport;
import dev.herald.providers.CallbackReport.Notice;
import dev.herald.providers.CallbackRequest;
import dev.herald.providers.Provider;
import dev.herald.providers.Providers;
import dev.herald.providers.Receipt;
import dev.herald.providers.SmsKeywords;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider callbacks, {@code POST /v1/webhooks/<type>/<namespace>/<provider>[/<path>]}: each
 * provider type's {@link Callback}s verify and read the request against the DeliveryProvider's
 * Secret; this applies what they report, the same way for every provider. Unsigned, stale or
 * replayed → 401; a wrong signature → 403; nothing changes in either case. Each receipt the
 * provider identifies is honoured once, in Postgres, even after a restart. A receipt that comes
 * before its delivery is recorded as sent is kept and applied then; when the tenant already holds
 * as many such receipts as it may, the callback is refused with 503 (and may be sent again: it is
 * not counted as a replay), so that the provider retries it.
 */
final class WebhookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

  /** Replays of a callback are refused for twice the longest age a signed timestamp may have. */
  static final Duration REPLAY_WINDOW = Duration.ofMinutes(10);

  private static final String REPLAY_KEY = "herald.replayKey";

  private final Providers providers;
  private final ProviderSecrets secrets;
  private final Receipts receipts;

  /**
   * Callbacks honoured before, by provider id, in Postgres: a replay has no effect, even after a
   * restart.
   */
  private final WebhookReceipts honoured;

  private final Clock clock;

  /** Callbacks already honoured within {@link #REPLAY_WINDOW}: a replay of one is rejected. */
  private final Cache<String, Boolean> seen =
      Caffeine.newBuilder().expireAfterWrite(REPLAY_WINDOW).maximumSize(1_000_000).build();

  WebhookRoutes(
      Providers providers,
      ProviderSecrets secrets,
      Receipts receipts,
      WebhookReceipts honoured,
      Clock clock) {
    this.providers = providers;
    this.secrets = secrets;
    this.receipts = receipts;
    this.honoured = honoured;
    this.clock = clock;
  }

  void mount(Router router) {
    for (Provider provider : providers.all()) {
      for (Callback callback : provider.callbacks()) {
        String route =
            "/v1/webhooks/"
                + provider.type().wireName()
                + "/:namespace/:provider"
                + (callback.path().isEmpty() ? "" : "/" + callback.path());
        blocking(router.post(route), ctx -> handle(ctx, provider, callback));
      }
    }
  }

  private void handle(RoutingContext ctx, Provider provider, Callback callback) {
    String ns = ctx.pathParam("namespace");
    String name = ctx.pathParam("provider");
    Map<String, String> secret = secrets.of(ns, name, provider.type());
    CallbackReport report;
    try {
      report = callback.read(request(ctx), secret, clock.instant());
    } catch (CallbackRefused e) {
      throw switch (e.why()) {
        case NOT_CONFIGURED -> Problem.notFound("webhook");
        case UNSIGNED -> Problem.unauthorized(e.getMessage());
        case FORGED -> Problem.forbidden(e.getMessage());
        case MALFORMED -> Problem.malformed(e.field(), e.getMessage());
      };
    }
    rejectReplay(ctx, report.replayKey());
    Channel channel = provider.type().channel();
    int fresh = 0;
    int applied = 0;
    int kept = 0;
    boolean full = false;
    for (Notice notice : report.notices()) {
      if (notice.once() != null
          && !honoured.first(ns, name, notice.once().kind(), notice.once().id())) {
        continue;
      }
      fresh++;
      Result result;
      try {
        result = notice.receipt() == null ? Result.IGNORED : apply(ns, channel, notice.receipt());
      } catch (RuntimeException e) {
        forget(ns, name, notice);
        throw e;
      }
      if (result == Result.FULL) {
        forget(ns, name, notice);
        full = true;
      }
      applied += result == Result.APPLIED ? 1 : 0;
      kept += result == Result.KEPT ? 1 : 0;
      if (result != Result.IGNORED) {
        LOG.info(
            "{} callback in {}: {} {}",
            provider.type().wireName(),
            ns,
            describe(channel, notice.receipt()),
            result.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (full) {
      refuse(ctx);
    }
    CallbackReport.Answer answer =
        callback.answer(
            report, new CallbackReport.Tally(report.notices().size(), fresh, applied, kept));
    ctx.response().setStatusCode(answer.status());
    if (answer.contentType() != null) {
      ctx.response().putHeader("Content-Type", answer.contentType());
    }
    if (answer.body() == null) {
      ctx.response().end();
    } else {
      ctx.response().end(answer.body());
    }
  }

  private static CallbackRequest request(RoutingContext ctx) {
    Map<String, String> headers = new LinkedHashMap<>();
    ctx.request().headers().forEach(h -> headers.putIfAbsent(h.getKey(), h.getValue()));
    byte[] body =
        ctx.body() == null || ctx.body().buffer() == null
            ? new byte[0]
            : ctx.body().buffer().getBytes();
    return new CallbackRequest(ctx.request().absoluteURI(), headers, body);
  }

  /**
   * What a receipt does; states only move forward, and addresses are read as Herald stores them.
   */
  private Result apply(String ns, Channel channel, Receipt receipt) {
    return switch (receipt) {
      case Receipt.Delivered r ->
          onDelivery(
              ns, channel, r.ref(), DeliveryState.DELIVERED, null, t -> receipts.delivered(ns, t));
      case Receipt.Opened r ->
          onDelivery(ns, channel, r.ref(), null, null, t -> receipts.opened(ns, t));
      case Receipt.Clicked r ->
          onDelivery(ns, channel, r.ref(), null, null, t -> receipts.clicked(ns, t));
      case Receipt.Bounced r ->
          onDelivery(ns, channel, r.ref(), null, null, t -> receipts.bounced(ns, t));
      case Receipt.Failed r -> {
        Result result =
            onDelivery(
                ns,
                channel,
                r.ref(),
                DeliveryState.FAILED,
                r.reason(),
                t -> {
                  Result moved = receipts.failed(ns, t, r.reason());
                  if (r.optedOut()) {
                    receipts.suppress(ns, channel, t.address(), SmsKeywords.STOP_REASON);
                  }
                  return moved;
                });
        String address =
            r.ref().address() == null
                ? null
                : SuppressionRoutes.address(channel, r.ref().address());
        if (r.optedOut() && result == Result.KEPT && address != null) {
          // the delivery is not recorded yet: the provider named the address it refused
          receipts.suppress(ns, channel, address, SmsKeywords.STOP_REASON);
        }
        yield result;
      }
      case Receipt.Complained r ->
          onDelivery(
              ns,
              channel,
              r.ref(),
              null,
              null,
              t -> {
                receipts.suppress(ns, channel, t.address(), "spam_report");
                return Result.APPLIED;
              });
      case Receipt.Unsubscribed r ->
          onDelivery(
              ns,
              channel,
              r.ref(),
              null,
              null,
              t -> {
                receipts.unsubscribe(ns, t);
                return Result.APPLIED;
              });
      case Receipt.OptedOut r ->
          onAddress(
              channel,
              r.address(),
              a -> {
                receipts.suppress(ns, channel, a, SmsKeywords.STOP_REASON);
                return Result.APPLIED;
              });
      case Receipt.OptedIn r ->
          onAddress(
              channel,
              r.address(),
              a -> {
                receipts.unsuppress(ns, channel, a);
                return Result.APPLIED;
              });
    };
  }

  /**
   * Applies {@code action} to the receipt's delivery of this channel. A receipt naming a provider
   * message id no delivery carries yet is kept as {@code early} (with {@code reason}) when the
   * provider says the id may precede the send; any other receipt without its delivery is ignored.
   */
  private Result onDelivery(
      String ns,
      Channel channel,
      Receipt.Ref ref,
      DeliveryState early,
      String reason,
      Function<ReceiptTarget, Result> action) {
    Optional<ReceiptTarget> target =
        ref.deliveryId() != null
            ? receipts.byId(ns, ref.deliveryId())
            : receipts.byProviderMessageId(ns, ref.providerMessageId());
    if (target.isPresent()) {
      return target.get().channel() == channel ? action.apply(target.get()) : Result.IGNORED;
    }
    if (early != null && ref.providerMessageId() != null && ref.mayPrecedeSend()) {
      return receipts.beforeItsSend(ns, ref.providerMessageId(), channel, early, reason);
    }
    return Result.IGNORED;
  }

  private static Result onAddress(Channel channel, String raw, Function<String, Result> action) {
    String address = raw == null ? null : SuppressionRoutes.address(channel, raw);
    return address == null ? Result.IGNORED : action.apply(address);
  }

  private static String describe(Channel channel, Receipt receipt) {
    String kind = receipt.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    return switch (receipt) {
      case Receipt.OptedOut r -> kind + " from " + Mask.address(channel.wireName(), r.address());
      case Receipt.OptedIn r -> kind + " from " + Mask.address(channel.wireName(), r.address());
      default -> kind;
    };
  }

  private void forget(String ns, String provider, Notice notice) {
    if (notice.once() != null) {
      honoured.forget(ns, provider, notice.once().kind(), notice.once().id());
    }
  }

  /**
   * The tenant holds as many early receipts as it may: the provider is to send this one again
   * later.
   */
  private void refuse(RoutingContext ctx) {
    String replayKey = ctx.get(REPLAY_KEY);
    if (replayKey != null) {
      seen.invalidate(replayKey);
    }
    throw Problem.unavailable(
        "too many receipts wait for their deliveries to be recorded; retry later", 60);
  }

  private void rejectReplay(RoutingContext ctx, String replayKey) {
    if (seen.asMap().putIfAbsent(replayKey, Boolean.TRUE) != null) {
      throw Problem.unauthorized("this callback was received before (replay)");
    }
    ctx.put(REPLAY_KEY, replayKey);
  }
}
