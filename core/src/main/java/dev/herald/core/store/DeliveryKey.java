package dev.herald.core.store;

import java.time.Instant;
import java.util.UUID;

/** A delivery's primary key: its id and its partition (the notification's creation time). */
public record DeliveryKey(UUID id, Instant createdAt) {}
