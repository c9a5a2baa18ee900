package dev.herald.testkit.sendgrid;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a v3 Mail Send payload the way SendGrid does, and reports every problem found with the
 * message text, {@code field} path and {@code help} link SendGrid uses for it.
 */
final class MailSendValidator {
  static final int MAX_PERSONALIZATIONS = 1000;
  static final int MAX_RECIPIENTS = 1000;
  static final int MAX_CATEGORIES = 10;
  static final int MAX_CATEGORY_LENGTH = 255;

  private static final String HELP =
      "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html";

  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");
  private static final Pattern TEMPLATE_ID =
      Pattern.compile(
          "^(d-[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$");

  /** One entry of SendGrid's {@code errors} array. */
  record ApiError(String message, String field, String help) {}

  private MailSendValidator() {}

  /** Whether SendGrid would take {@code address} as an e-mail address. */
  static boolean isValidEmail(String address) {
    return address != null && address.length() <= 320 && EMAIL.matcher(address).matches();
  }

  /** Whether {@code body} names a well-formed {@code template_id}. */
  static boolean hasValidTemplate(JsonNode body) {
    JsonNode id = body.get("template_id");
    return id != null && id.isTextual() && TEMPLATE_ID.matcher(id.asText()).matches();
  }

  /** All problems with a parsed JSON object, empty if SendGrid would accept it. */
  static List<ApiError> validate(JsonNode body) {
    List<ApiError> errors = new ArrayList<>();
    boolean template = hasValidTemplate(body);
    JsonNode templateId = body.get("template_id");
    if (present(templateId) && !template) {
      errors.add(
          new ApiError(
              "The template_id must be a valid GUID, you provided '"
                  + (templateId.isTextual() ? templateId.asText() : templateId.toString())
                  + "'.",
              "template_id",
              HELP + "#message.template_id"));
    }

    boolean everyPersonalizationHasSubject =
        validatePersonalizations(body.get("personalizations"), errors);
    validateFrom(body.get("from"), errors);
    validateReplyTo(body.get("reply_to"), errors);

    JsonNode subject = body.get("subject");
    if (present(subject) && !subject.isTextual()) {
      errors.add(typeError("string", subject, "subject"));
    } else if (!template && blank(subject) && !everyPersonalizationHasSubject) {
      errors.add(
          new ApiError(
              "The subject is required. You can get around this requirement if you use a "
                  + "template with a subject defined or if every personalization has a subject defined.",
              "subject",
              HELP + "#message.subject"));
    }

    validateContent(body.get("content"), template, errors);
    validateCategories(body.get("categories"), errors);
    validateStringMap(body.get("headers"), "headers", errors);
    validateStringMap(body.get("custom_args"), "custom_args", errors);
    return errors;
  }

  /** Returns whether every personalization carries a subject of its own. */
  private static boolean validatePersonalizations(
      JsonNode personalizations, List<ApiError> errors) {
    if (personalizations == null || !personalizations.isArray() || personalizations.isEmpty()) {
      errors.add(
          new ApiError(
              "The personalizations field is required and must have at least one personalization.",
              "personalizations",
              HELP + "#-Personalizations-Errors"));
      return false;
    }
    if (personalizations.size() > MAX_PERSONALIZATIONS) {
      errors.add(
          new ApiError(
              "The personalization block is limited to "
                  + MAX_PERSONALIZATIONS
                  + " personalizations per API request. You have provided "
                  + personalizations.size()
                  + " personalizations. Please consider splitting this into multiple requests and resending your request.",
              "personalizations",
              HELP + "#-Personalizations-Errors"));
      return false;
    }
    boolean allHaveSubject = true;
    int recipients = 0;
    for (int i = 0; i < personalizations.size(); i++) {
      JsonNode p = personalizations.get(i);
      String path = "personalizations." + i;
      if (!p.isObject()) {
        errors.add(typeError("object", p, path));
        allHaveSubject = false;
        continue;
      }
      JsonNode to = p.get("to");
      if (to == null || !to.isArray() || to.isEmpty()) {
        errors.add(
            new ApiError(
                "The to array is required for all personalization objects, and must have at "
                    + "least one email object with a valid email address.",
                path + ".to",
                HELP + "#message.personalizations.to"));
      } else {
        recipients += validateAddresses(to, path + ".to", errors);
      }
      for (String list : List.of("cc", "bcc")) {
        JsonNode addresses = p.get(list);
        if (!present(addresses)) {
          continue;
        }
        if (!addresses.isArray()) {
          errors.add(typeError("array", addresses, path + "." + list));
        } else {
          recipients += validateAddresses(addresses, path + "." + list, errors);
        }
      }
      ApiError duplicate = firstDuplicate(p, path);
      if (duplicate != null) {
        errors.add(duplicate);
      }
      JsonNode from = p.get("from");
      if (present(from)
          && (!from.isObject()
              || !from.path("email").isTextual()
              || !isValidEmail(from.path("email").asText()))) {
        errors.add(
            new ApiError(
                "The from email does not contain a valid address.",
                path + ".from.email",
                HELP + "#message.from"));
      }
      JsonNode subject = p.get("subject");
      if (present(subject) && !subject.isTextual()) {
        errors.add(typeError("string", subject, path + ".subject"));
      }
      if (blank(subject)) {
        allHaveSubject = false;
      }
      validateStringMap(p.get("headers"), path + ".headers", errors);
      validateStringMap(p.get("custom_args"), path + ".custom_args", errors);
      JsonNode data = p.get("dynamic_template_data");
      if (present(data) && !data.isObject()) {
        errors.add(typeError("object", data, path + ".dynamic_template_data"));
      }
    }
    if (recipients > MAX_RECIPIENTS) {
      errors.add(
          new ApiError(
              "The total number of recipients must be no more than "
                  + MAX_RECIPIENTS
                  + ". This includes all recipients defined within the to, cc, and bcc parameters, across each object "
                  + "that you include in the personalizations array.",
              "personalizations",
              HELP + "#-Personalizations-Errors"));
    }
    return allHaveSubject;
  }

  /** Checks each {@code {email, name?}} of an address array; returns how many entries it has. */
  private static int validateAddresses(JsonNode addresses, String path, List<ApiError> errors) {
    for (int j = 0; j < addresses.size(); j++) {
      JsonNode address = addresses.get(j);
      JsonNode email = address.get("email");
      if (!address.isObject()
          || email == null
          || !email.isTextual()
          || !isValidEmail(email.asText())) {
        errors.add(
            new ApiError(
                "Does not contain a valid address.",
                path + "." + j + ".email",
                HELP + "#-Email-Address"));
        continue;
      }
      JsonNode name = address.get("name");
      if (present(name) && !name.isTextual()) {
        errors.add(typeError("string", name, path + "." + j + ".name"));
      }
    }
    return addresses.size();
  }

  private static ApiError firstDuplicate(JsonNode personalization, String path) {
    Set<String> seen = new HashSet<>();
    for (String list : List.of("to", "cc", "bcc")) {
      JsonNode addresses = personalization.get(list);
      if (addresses == null || !addresses.isArray()) {
        continue;
      }
      for (JsonNode address : addresses) {
        JsonNode email = address.get("email");
        if (email == null || !email.isTextual()) {
          continue;
        }
        if (!seen.add(email.asText().toLowerCase(Locale.ROOT))) {
          return new ApiError(
              "Each email address in the personalization block should be unique between to, cc, "
                  + "and bcc. We found the first duplicate instance of ["
                  + email.asText()
                  + "] in the "
                  + path
                  + "."
                  + list
                  + " field.",
              path + "." + list,
              HELP + "#message.recipient_errors");
        }
      }
    }
    return null;
  }

  private static void validateFrom(JsonNode from, List<ApiError> errors) {
    JsonNode email = from == null ? null : from.get("email");
    if (from == null
        || !from.isObject()
        || email == null
        || !email.isTextual()
        || email.asText().isBlank()) {
      errors.add(
          new ApiError(
              "The from object must be provided for every email send. It is an object that "
                  + "requires the email parameter, but may also contain a name parameter.  e.g. "
                  + "{\"email\" : \"example@example.com\"}  or {\"email\" : \"example@example.com\", \"name\" : "
                  + "\"Example Recipient\"}.",
              "from.email",
              HELP + "#message.from"));
    } else if (!isValidEmail(email.asText())) {
      errors.add(
          new ApiError(
              "The from email does not contain a valid address.",
              "from.email",
              HELP + "#message.from"));
    } else if (present(from.get("name")) && !from.get("name").isTextual()) {
      errors.add(typeError("string", from.get("name"), "from.name"));
    }
  }

  private static void validateReplyTo(JsonNode replyTo, List<ApiError> errors) {
    if (!present(replyTo)) {
      return;
    }
    JsonNode email = replyTo.get("email");
    if (!replyTo.isObject()
        || email == null
        || !email.isTextual()
        || !isValidEmail(email.asText())) {
      errors.add(
          new ApiError(
              "The reply_to email does not contain a valid address.",
              "reply_to.email",
              HELP + "#message.reply_to"));
    }
  }

  private static void validateContent(JsonNode content, boolean template, List<ApiError> errors) {
    if (!present(content) || (content.isArray() && content.isEmpty())) {
      if (!template) {
        errors.add(
            new ApiError(
                "Unless a valid template_id is provided, the content parameter is required. "
                    + "There must be at least one defined content block. We typically suggest both text/plain and "
                    + "text/html blocks are included, but only one block is required.",
                "content",
                HELP + "#message.content"));
      }
      return;
    }
    if (!content.isArray()) {
      errors.add(typeError("array", content, "content"));
      return;
    }
    int plainAt = -1;
    int htmlAt = -1;
    for (int k = 0; k < content.size(); k++) {
      JsonNode block = content.get(k);
      String path = "content." + k;
      if (!block.isObject()) {
        errors.add(typeError("object", block, path));
        continue;
      }
      JsonNode type = block.get("type");
      if (type == null || !type.isTextual() || type.asText().isBlank()) {
        errors.add(
            new ApiError(
                "The content type must be provided for every content block, for example "
                    + "text/plain or text/html.",
                path + ".type",
                HELP + "#message.content.type"));
      } else if (type.asText().chars().anyMatch(c -> c == ';' || c == '\r' || c == '\n')) {
        errors.add(
            new ApiError(
                "Content types may not contain ;, carriage returns, or newlines.",
                path + ".type",
                HELP + "#message.content.type"));
      } else {
        String t = type.asText().toLowerCase(Locale.ROOT);
        if (t.equals("text/plain") || t.equals("text/html")) {
          if ((t.equals("text/plain") ? plainAt : htmlAt) >= 0) {
            errors.add(
                new ApiError(
                    "If present, text/plain and text/html may only be provided once.",
                    path + ".type",
                    HELP + "#message.content.type"));
          } else if (t.equals("text/plain")) {
            plainAt = k;
          } else {
            htmlAt = k;
          }
        }
      }
      JsonNode value = block.get("value");
      if (value == null || !value.isTextual() || value.asText().isEmpty()) {
        errors.add(
            new ApiError(
                "The content value must be a string at least one character in length.",
                path + ".value",
                HELP + "#message.content.value"));
      }
    }
    if ((plainAt > 0) || (htmlAt >= 0 && htmlAt != (plainAt == 0 ? 1 : 0))) {
      errors.add(
          new ApiError(
              "If present, text/plain content must be first, followed by text/html, followed "
                  + "by any other content.",
              "content",
              HELP + "#message.content"));
    }
  }

  private static void validateCategories(JsonNode categories, List<ApiError> errors) {
    if (!present(categories)) {
      return;
    }
    if (!categories.isArray()) {
      errors.add(typeError("array", categories, "categories"));
      return;
    }
    if (categories.size() > MAX_CATEGORIES) {
      errors.add(
          new ApiError(
              "Too many categories. You may only apply up to "
                  + MAX_CATEGORIES
                  + " categories per email.",
              "categories",
              HELP + "#message.categories"));
    }
    for (int k = 0; k < categories.size(); k++) {
      JsonNode category = categories.get(k);
      if (!category.isTextual()) {
        errors.add(typeError("string", category, "categories." + k));
      } else if (category.asText().length() > MAX_CATEGORY_LENGTH) {
        errors.add(
            new ApiError(
                "A category cannot be longer than " + MAX_CATEGORY_LENGTH + " characters.",
                "categories." + k,
                HELP + "#message.categories"));
      }
    }
  }

  /** {@code headers} and {@code custom_args}: an object whose values are all strings. */
  private static void validateStringMap(JsonNode map, String path, List<ApiError> errors) {
    if (!present(map)) {
      return;
    }
    if (!map.isObject()) {
      errors.add(typeError("object", map, path));
      return;
    }
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      if (!entry.getValue().isTextual()) {
        errors.add(typeError("string", entry.getValue(), path + "." + entry.getKey()));
      }
    }
  }

  private static ApiError typeError(String expected, JsonNode given, String field) {
    return new ApiError(
        "Invalid type. Expected: " + expected + ", given: " + jsonType(given) + ".", field, null);
  }

  private static String jsonType(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isTextual()) {
      return "string";
    }
    if (node.isIntegralNumber()) {
      return "integer";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return node.isArray() ? "array" : "object";
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  private static boolean blank(JsonNode node) {
    return node == null || !node.isTextual() || node.asText().isBlank();
  }
}
