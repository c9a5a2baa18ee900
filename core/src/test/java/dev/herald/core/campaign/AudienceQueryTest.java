package dev.herald.core.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.campaign.CampaignAudience;
import dev.herald.api.campaign.SelectorOperator;
import dev.herald.api.campaign.UserSelector;
import dev.herald.api.campaign.UserSelectorRequirement;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.store.ContactStore;
import dev.herald.testkit.postgres.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated selectors over generated users: the SQL of {@link AudienceQuery}, read in keyset pages,
 * selects exactly the users the in-memory evaluation of the same selector does, each once, in user
 * id order.
 */
class AudienceQueryTest {
  private static final String TENANT = "t1";
  private static final List<String> KEYS = List.of("tier", "region", "age", "vip", "o'k\"ey");
  private static final List<String> VALUES =
      List.of("gold", "silver", "eu", "42", "7", "true", "false", "x'); drop table users; --");

  private static TestDatabase testDb;
  private static Database db;
  private static final Map<String, JsonNode> USERS = new LinkedHashMap<>();

  @BeforeContainer
  static void open() {
    testDb = TestDatabase.create("audience");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "audience");
    ContactStore contacts = new ContactStore(db.jdbi());
    Random random = new Random(42);
    for (int i = 0; i < 120; i++) {
      ObjectNode a = Json.MAPPER.createObjectNode();
      for (String key : KEYS) {
        switch (random.nextInt(9)) {
          case 0, 1 -> {} // absent
          case 2 -> a.put(key, VALUES.get(random.nextInt(VALUES.size())));
          case 3 -> a.put(key, random.nextBoolean() ? 42 : 7);
          case 4 -> a.put(key, random.nextBoolean());
          case 5 -> a.putNull(key);
          case 6 -> a.putArray(key).add(VALUES.get(random.nextInt(3)));
          case 7 -> a.putObject(key).put("x", 1);
          default -> a.put(key, VALUES.get(random.nextInt(3)));
        }
      }
      String id = "u" + String.format("%03d", i);
      USERS.put(id, a);
      contacts.upsertUser(TENANT, id, id + "@x.io", null, null, null, a);
      // another tenant's users with the same attributes are never selected
      contacts.upsertUser("t2", id, id + "@x.io", null, null, null, a);
    }
  }

  @AfterContainer
  static void close() {
    db.close();
    testDb.close();
  }

  private static List<String> select(CampaignAudience audience, int pageSize) {
    AudienceQuery q = AudienceQuery.of(audience);
    List<String> ids = new ArrayList<>();
    String after = null;
    while (true) {
      String from = after;
      List<AudienceQuery.Member> page =
          db.jdbi().inTransaction(h -> q.page(h, TENANT, from, pageSize, true));
      if (page.isEmpty()) {
        return ids;
      }
      assertThat(page.size()).isLessThanOrEqualTo(pageSize);
      page.forEach(m -> ids.add(m.userId()));
      after = page.get(page.size() - 1).userId();
    }
  }

  @Property(tries = 300)
  void sqlSelectsWhatTheSelectorMeans(
      @ForAll("selectors") UserSelector selector, @ForAll("pageSizes") int pageSize) {
    List<String> expected =
        USERS.entrySet().stream()
            .filter(e -> AudienceQuery.matches(selector, e.getValue()))
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    assertThat(select(CampaignAudience.selector(selector), pageSize)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<Integer> pageSizes() {
    return Arbitraries.of(1, 7, 50, 1000);
  }

  @Provide
  Arbitrary<UserSelector> selectors() {
    Arbitrary<Map<String, String>> labels =
        Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMaxSize(2);
    Arbitrary<UserSelectorRequirement> requirement =
        Combinators.combine(
                Arbitraries.of(KEYS),
                Arbitraries.of(SelectorOperator.values()),
                Arbitraries.of(VALUES).list().ofMinSize(1).ofMaxSize(3))
            .as(
                (k, op, values) ->
                    new UserSelectorRequirement(k, op, op.takesValues() ? values : null));
    return Combinators.combine(labels, requirement.list().ofMaxSize(3))
        .as(
            (l, r) -> {
              UserSelector s = new UserSelector();
              s.setMatchLabels(l.isEmpty() ? null : l);
              s.setMatchExpressions(r.isEmpty() ? null : r);
              return s;
            });
  }

  @Example
  void notInAndDoesNotExistSelectUsersWithoutTheKey() {
    UserSelector notIn = new UserSelector();
    notIn.setMatchExpressions(
        List.of(new UserSelectorRequirement("tier", SelectorOperator.NotIn, List.of("gold"))));
    List<String> withoutTier =
        USERS.entrySet().stream()
            .filter(e -> !e.getValue().has("tier"))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(withoutTier).isNotEmpty();
    assertThat(select(CampaignAudience.selector(notIn), 10)).containsAll(withoutTier);

    UserSelector absent = new UserSelector();
    absent.setMatchExpressions(
        List.of(new UserSelectorRequirement("tier", SelectorOperator.DoesNotExist, null)));
    assertThat(select(CampaignAudience.selector(absent), 10)).isEqualTo(withoutTier);
  }

  @Example
  void aValueSpellingANumberOrBooleanMatchesTheNumberOrBoolean() {
    ObjectNode n = Json.MAPPER.createObjectNode().put("age", 42);
    ObjectNode s = Json.MAPPER.createObjectNode().put("age", "42");
    ObjectNode b = Json.MAPPER.createObjectNode().put("age", true);
    UserSelector sel = new UserSelector();
    sel.setMatchLabels(Map.of("age", "42"));
    assertThat(AudienceQuery.matches(sel, n)).isTrue();
    assertThat(AudienceQuery.matches(sel, s)).isTrue();
    assertThat(AudienceQuery.matches(sel, b)).isFalse();
    sel.setMatchLabels(Map.of("age", "true"));
    assertThat(AudienceQuery.matches(sel, b)).isTrue();
  }

  @Example
  void allAndListedUsers() {
    assertThat(select(CampaignAudience.everyone(), 33)).hasSize(USERS.size());
    assertThat(select(CampaignAudience.users(List.of("u005", "nobody", "u001", "u005")), 1))
        .containsExactly("u001", "u005");
  }

  @Example
  void hostileKeysAndValuesAreData() {
    UserSelector sel = new UserSelector();
    sel.setMatchLabels(Map.of("o'k\"ey", "x'); drop table users; --"));
    sel.setMatchExpressions(
        List.of(new UserSelectorRequirement("a') or true --", SelectorOperator.Exists, null)));
    assertThat(select(CampaignAudience.selector(sel), 10)).isEmpty();
    assertThat(select(CampaignAudience.everyone(), 1000)).hasSize(USERS.size());
  }
}
