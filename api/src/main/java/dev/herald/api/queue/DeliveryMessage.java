package dev.herald.api.queue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import java.time.Instant;
import java.util.UUID;

/**
 * One delivery as it travels through JetStream, published with {@code Nats-Msg-Id} = {@link
 * #deliveryId()}. It carries what a dispatcher needs to send without reading Postgres, except the
 * notification's content, which dispatchers cache per notification.
 *
 * @param deliveryId the delivery's id (also the message id, for de-duplication)
 * @param notificationId the notification the delivery belongs to
 * @param createdAt when the notification was written: the deliveries table's partition key
 * @param tenant the namespace
 * @param channel email, sms or push
 * @param platform ios, android or web for push; {@code null} otherwise
 * @param address e-mail address, E.164 phone or device token
 * @param userId the contact-store user, or {@code null} for a raw address
 * @param locale the recipient's locale, for template lookup
 * @param priority the lane
 * @param expiresAt deliveries not sent by then fail as expired; {@code null} for never
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeliveryMessage(
    UUID deliveryId,
    UUID notificationId,
    Instant createdAt,
    String tenant,
    Channel channel,
    String platform,
    String address,
    String userId,
    String locale,
    Priority priority,
    Instant expiresAt) {}
