package dev.herald.operator.notification;

import dev.herald.core.store.Preference;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Users' channel and category preferences, as fan-out reads them (see {@link PreferenceCache}). */
@FunctionalInterface
public interface UserPreferences {

  /** Preferences of these users (an empty list for a user who has none). */
  Map<String, List<Preference>> get(String tenant, Collection<String> userIds);
}
