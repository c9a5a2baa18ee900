package dev.herald.core.store;

import java.util.List;

/** A user of the contact store with the addresses Herald may use. */
public record Contact(String userId, String email, String phone, String locale, List<Device> devices) {

  /** An active device token. */
  public record Device(String platform, String token) {}
}
