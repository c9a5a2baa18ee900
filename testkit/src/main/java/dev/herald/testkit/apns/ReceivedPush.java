package dev.herald.testkit.apns;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import java.time.Instant;
import java.util.UUID;

/**
 * One notification the {@link ApnsSimulator} accepted, as its HTTP/2 request carried it. Any field
 * may be {@code null} when the request left the header out.
 *
 * @param token the device token from the {@code :path}
 * @param topic {@code apns-topic}
 * @param payload the JSON payload as sent
 * @param priority {@code apns-priority} (10 immediate, 5 conserve power)
 * @param expiration {@code apns-expiration}
 * @param collapseId {@code apns-collapse-id}
 * @param pushType {@code apns-push-type}
 * @param apnsId {@code apns-id}, the client's id for the notification
 */
public record ReceivedPush(
    String token,
    String topic,
    String payload,
    DeliveryPriority priority,
    Instant expiration,
    String collapseId,
    PushType pushType,
    UUID apnsId) {}
