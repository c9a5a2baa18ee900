package dev.herald.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A user of the contact store as the API shows it. */
public record UserRecord(
    String userId,
    String email,
    String phone,
    String locale,
    String timeZone,
    JsonNode attributes,
    List<DeviceRecord> devices) {

  /** A registered device; {@code active} is false once the provider said its token is dead. */
  public record DeviceRecord(
      String platform, String token, boolean active, String invalidatedReason) {}
}
