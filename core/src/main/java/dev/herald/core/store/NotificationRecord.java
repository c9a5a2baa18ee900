package dev.herald.core.store;

import java.time.Instant;
import java.util.UUID;

/** A stored notification's identity and timing. */
public record NotificationRecord(
    UUID id,
    String tenant,
    Instant createdAt,
    Instant sendAt,
    Instant expiresAt,
    Instant cancelledAt) {}
