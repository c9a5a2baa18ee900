package dev.herald.api;

/** The API group and version every Herald custom resource belongs to. */
public final class HeraldGroup {
  public static final String GROUP = "herald.dev";
  public static final String VERSION = "v1alpha1";
  public static final String CATEGORY = "herald";

  private HeraldGroup() {}
}
