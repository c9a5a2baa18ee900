package dev.herald.testkit.webpush;

/**
 * A push the simulator accepted, decrypted with its subscription's private key.
 *
 * @param endpoint the subscription it was sent to
 * @param payload the decrypted plaintext (UTF-8)
 * @param ttl the {@code TTL} header, in seconds
 * @param urgency the {@code Urgency} header, or null
 * @param topic the {@code Topic} header, or null
 * @param vapidSubject the VAPID JWT's {@code sub}
 */
public record ReceivedWebPush(
    String endpoint, String payload, long ttl, String urgency, String topic, String vapidSubject) {}
