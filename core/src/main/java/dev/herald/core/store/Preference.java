package dev.herald.core.store;

/**
 * One opt-in/out: {@code channel} is email, sms, push or {@code *} (every channel); {@code
 * category} a category or {@code *} (every category).
 */
public record Preference(String channel, String category, boolean optedIn) {
  public static final String ANY = "*";

  /**
   * Higher is more specific: channel × category beats any channel × category beats channel × any.
   */
  int specificity() {
    return (ANY.equals(category) ? 0 : 2) + (ANY.equals(channel) ? 0 : 1);
  }

  boolean appliesTo(String channelName, String categoryName) {
    return (ANY.equals(channel) || channel.equals(channelName))
        && (ANY.equals(category) || category.equals(categoryName));
  }
}
