package dev.herald.sandbox.kube;

import static dev.herald.sandbox.kube.SimpleJsonPathTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PatchesTest {
  @Test
  void mergePatchFollowsRfc7386() {
    var target =
        read(
            """
        {"spec": {"recipients": [{"user": "u-1"}, {"user": "u-2"}], "category": "news",
                  "data": {"a": 1, "b": 2}}}
        """);
    var patch =
        read(
            """
        {"spec": {"recipients": [{"user": "u-3"}], "category": null, "data": {"b": 3, "c": 4}}}
        """);
    assertThat(Patches.mergePatch(target, patch))
        .isEqualTo(
            read(
                """
        {"spec": {"recipients": [{"user": "u-3"}], "data": {"a": 1, "b": 3, "c": 4}}}
        """));
    assertThat(target.path("spec").path("recipients")).hasSize(2); // the input is left alone
  }

  @Test
  void strategicMergeWithoutDirectivesIsAMergePatch() {
    var target =
        read(
            """
        {"metadata": {"labels": {"a": "1"}}, "status": {"phase": "Pending", "counts": [1, 2]}}
        """);
    var patch =
        read(
            """
        {"metadata": {"labels": {"a": null, "b": "2"}}, "status": {"phase": "Completed", "counts": [3]}}
        """);
    assertThat(Patches.strategicMergePatch(target, patch))
        .isEqualTo(
            read(
                """
        {"metadata": {"labels": {"b": "2"}}, "status": {"phase": "Completed", "counts": [3]}}
        """));
  }

  @Test
  void strategicMergeMergesListsByTheKeyTheirOrderNames() {
    var target =
        read(
            """
        {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"},
                                 {"name": "c", "image": "c:1"}]}}
        """);
    var patch =
        read(
            """
        {"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}, {"name": "d"}],
                  "containers": [{"name": "a", "image": "a:2"}, {"name": "d", "image": "d:1"},
                                 {"name": "c", "$patch": "delete"}]}}
        """);
    assertThat(Patches.strategicMergePatch(target, patch))
        .isEqualTo(
            read(
                """
        {"spec": {"containers": [{"name": "b", "image": "b:1"}, {"name": "a", "image": "a:2"},
                                 {"name": "d", "image": "d:1"}]}}
        """));
  }

  @Test
  void strategicMergeHonoursPrimitiveListAndMapDirectives() {
    var target =
        read(
            """
        {"metadata": {"finalizers": ["x", "y"]},
         "spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                  "selector": {"old": true}}}
        """);
    var patch =
        read(
            """
        {"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"],
                      "$setElementOrder/finalizers": ["z", "y"], "finalizers": ["z"]},
         "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"},
                  "selector": {"$patch": "replace", "new": true}}}
        """);
    assertThat(Patches.strategicMergePatch(target, patch))
        .isEqualTo(
            read(
                """
        {"metadata": {"finalizers": ["z", "y"]},
         "spec": {"strategy": {"type": "Recreate"}, "selector": {"new": true}}}
        """));
  }

  @Test
  void strategicMergeCanDeleteAMap() {
    var target =
        read(
            """
        {"spec": {"keep": 1, "drop": {"a": 1}}}
        """);
    assertThat(
            Patches.strategicMergePatch(
                target,
                read(
                    """
        {"spec": {"drop": {"$patch": "delete"}}}
        """)))
        .isEqualTo(
            read(
                """
        {"spec": {"keep": 1}}
        """));
  }
}
