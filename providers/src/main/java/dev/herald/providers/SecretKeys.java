package dev.herald.providers;

/** Small checks of a provider Secret's values shared by the providers' credential checks. */
public final class SecretKeys {
  private SecretKeys() {}

  public static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
