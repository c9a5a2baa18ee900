package dev.herald.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPathTest {
  @Test
  void takesResourcePathsApart() {
    assertThat(ApiPath.parse("/apis/herald.dev/v1alpha1/namespaces/default/notifications/n/status"))
        .hasValue(new ApiPath("herald.dev", "v1alpha1", "default", "notifications", "n", "status"));
    assertThat(ApiPath.parse("/apis/herald.dev/v1alpha1/notifications"))
        .hasValue(new ApiPath("herald.dev", "v1alpha1", null, "notifications", null, null));
    assertThat(ApiPath.parse("/api/v1/namespaces/default/configmaps"))
        .hasValue(new ApiPath("", "v1", "default", "configmaps", null, null));
    assertThat(ApiPath.parse("/api/v1/namespaces/team-a"))
        .hasValue(new ApiPath("", "v1", null, "namespaces", "team-a", null));
    assertThat(ApiPath.parse("/api/v1/namespaces/team-a/finalize"))
        .hasValue(new ApiPath("", "v1", null, "namespaces", "team-a", "finalize"));
    assertThat(ApiPath.parse("/apis/herald.dev/v1alpha1")).isEmpty();
    assertThat(ApiPath.parse("/version")).isEmpty();
  }

  @Test
  void namesThingsAsKubectlDoes() {
    ApiPath p =
        ApiPath.parse("/apis/herald.dev/v1alpha1/namespaces/default/notifications/n/status")
            .orElseThrow();
    assertThat(p.qualifiedResource()).isEqualTo("notifications.herald.dev");
    assertThat(p.objectPath())
        .isEqualTo("/apis/herald.dev/v1alpha1/namespaces/default/notifications/n");
    assertThat(p.groupVersion()).isEqualTo("herald.dev/v1alpha1");
  }
}
