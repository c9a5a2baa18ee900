package dev.herald.testkit.vonage;

import java.util.List;
import java.util.Map;

/**
 * One message the {@link VonageSimulator} accepted (status 0 for every part), as it was posted.
 *
 * @param messageIds one id per part, as answered
 * @param apiKey the API key it authenticated with
 * @param apiSecret which of the key's secrets it used (for rotation tests)
 * @param from the {@code from} parameter
 * @param to the {@code to} parameter, as sent (Vonage's form: digits, no {@code +})
 * @param text the {@code text} parameter
 * @param type the {@code type} parameter ({@code text} unless sent otherwise)
 * @param clientRef the {@code client-ref} parameter, or null
 * @param callback the {@code callback} parameter, or null
 * @param ttl the {@code ttl} parameter in milliseconds, or null
 * @param params every form parameter as posted (the credentials left out)
 */
public record ReceivedVonageSms(
    List<String> messageIds,
    String apiKey,
    String apiSecret,
    String from,
    String to,
    String text,
    String type,
    String clientRef,
    String callback,
    Long ttl,
    Map<String, String> params) {

  public ReceivedVonageSms {
    messageIds = List.copyOf(messageIds);
    params = Map.copyOf(params);
  }

  /** The id Vonage gives the first part. */
  public String messageId() {
    return messageIds.get(0);
  }

  /** The parts it was sent in. */
  public int parts() {
    return messageIds.size();
  }
}
