package dev.herald.operator.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A user's contact data as the API takes it — from {@code PUT /v1/users/{id}} or a line of a bulk
 * import — checked and normalised. Invalid fields are reported on the body.
 */
record UserFields(String email, String phone, String locale, String timeZone, JsonNode attributes) {
  static final Set<String> NAMES = Set.of("email", "phone", "locale", "timeZone", "attributes");
  static final int MAX_ATTRIBUTES = 64;

  static UserFields read(JsonBody body) {
    String email =
        body.string("email", false, 320, ContactFormats::email, "must be an e-mail address");
    String phone =
        body.string(
            "phone",
            false,
            32,
            ContactFormats::phone,
            "must be a valid international phone number starting with + (E.164)");
    String locale =
        body.string("locale", false, 35, ContactFormats::locale, "must be a BCP 47 language tag");
    String timeZone =
        body.string(
            "timeZone",
            false,
            64,
            ContactFormats::timeZone,
            "must be an IANA time zone such as Europe/Berlin");
    JsonNode attributes = body.node().get("attributes");
    if (attributes != null && !attributes.isNull() && !attributes.isObject()) {
      body.error("attributes", "must be an object");
    } else if (attributes != null && attributes.size() > MAX_ATTRIBUTES) {
      body.error("attributes", "at most " + MAX_ATTRIBUTES + " attributes");
    }
    return new UserFields(
        email,
        phone,
        locale,
        timeZone,
        attributes == null || attributes.isNull() ? null : attributes);
  }
}
