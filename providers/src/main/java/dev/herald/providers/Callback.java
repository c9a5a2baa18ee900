package dev.herald.providers;

import java.time.Instant;
import java.util.Map;

/**
 * One kind of call a provider makes to Herald (receipts, inbound messages), at {@code POST
 * /v1/webhooks/<type>/<namespace>/<provider>} followed by {@code /<path>} when the path is not
 * empty. It verifies the request against the provider's Secret and says what it reports; the
 * operator applies that, the same for every provider.
 */
public interface Callback {

  /** The last segment of the URL, or empty for the provider's only callback. */
  String path();

  /**
   * What a verified request reports. Throws {@link CallbackRefused} when it is unsigned, stale,
   * forged or malformed, or when the Secret lacks what verifying needs; nothing is applied then.
   */
  CallbackReport read(CallbackRequest request, Map<String, String> secret, Instant now);

  /** The answer the provider expects, once the report was applied with {@code tally}. */
  CallbackReport.Answer answer(CallbackReport report, CallbackReport.Tally tally);
}
