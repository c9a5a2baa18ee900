package dev.herald.core.store;

import java.time.Instant;

/** An address no send may reach, and why (bounce, spam_report, stop, invalid_token, manual …). */
public record Suppression(String channel, String address, String reason, Instant createdAt) {}
