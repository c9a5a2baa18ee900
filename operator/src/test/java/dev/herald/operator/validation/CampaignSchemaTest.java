package dev.herald.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.api.campaign.Campaign;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A Campaign's spec against its generated CRD, as the operator re-checks it: what a real API server
 * would refuse is refused, and each refusal names the field. Whether a cron expression or a zone
 * exists is not the schema's to say (only their length and characters); the operator checks those
 * with a cron library and the zone database.
 */
class CampaignSchemaTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final SchemaValidator campaigns = SchemaValidator.forResource(Campaign.class);

  private static ObjectNode spec(String yaml) {
    try {
      return (ObjectNode) YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The smallest valid Campaign: a template to every user, every day at nine. */
  private static ObjectNode minimal() {
    return spec(
        """
        template: weekly-digest
        audience: {all: true}
        channels: [email]
        schedule: "0 9 * * *"
        """);
  }

  private List<FieldError> errors(ObjectNode spec) {
    return campaigns.validate(spec);
  }

  // ---- valid examples ------------------------------------------------------------------------

  @Test
  void theReadmeExamplesAreValid() {
    assertThat(errors(minimal())).isEmpty();
    assertThat(
            errors(
                spec(
                    """
        template: weekly-digest
        audience:
          selector:
            matchLabels: {plan: pro}
            matchExpressions:
              - {key: country, operator: In, values: [DE, AT, CH]}
              - {key: churned, operator: DoesNotExist}
        channels: [push, email]
        fallback: [sms]
        category: digest
        priority: bulk
        data: {issue: 42, links: [{title: Hi}]}
        schedule: "0 9 * * MON"
        timeZone: Europe/Berlin
        suspend: false
        concurrencyPolicy: Forbid
        startingDeadlineSeconds: 3600
        successfulRunsHistoryLimit: 3
        failedRunsHistoryLimit: 1
        deliverAt: "09:00"
        quietHours: {start: "21:00", end: "08:00"}
        throttle: 500
        frequencyCap: {count: 2, window: 168h}
        """)))
        .isEmpty();
    assertThat(
            errors(
                spec(
                    """
        template: launch
        audience: {users: [u-1, u-2]}
        channels: [sms]
        startAt: "2026-12-01T10:00:00+01:00"
        """)))
        .isEmpty();
  }

  @Test
  void cronMacrosAndZonesOfEveryShapePassTheSchema() {
    for (String schedule :
        List.of(
            "@yearly",
            "@annually",
            "@monthly",
            "@weekly",
            "@daily",
            "@midnight",
            "@hourly",
            "@every 1h30m",
            "*/15 * * * *",
            "0 9 1-7 * MON-FRI",
            "0 0 ? JAN,JUL SUN")) {
      assertThat(errors(minimal().put("schedule", schedule))).as(schedule).isEmpty();
    }
    for (String zone :
        List.of(
            "UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "EST5EDT",
            "America/Port-au-Prince")) {
      assertThat(errors(minimal().put("timeZone", zone))).as(zone).isEmpty();
    }
  }

  @Test
  void aCronExpressionOrZoneThatCannotWorkIsLeftToTheOperator() {
    // Well-formed characters, meaningless content: the operator reports a condition for these.
    assertThat(errors(minimal().put("schedule", "99 99 * * *"))).isEmpty();
    assertThat(errors(minimal().put("timeZone", "Mars/Olympus_Mons"))).isEmpty();
  }

  @Property(tries = 400, seed = "20261210")
  void generatedValidCampaignsHaveNoErrors(@ForAll("validSpecs") ObjectNode spec) {
    assertThat(errors(spec)).as(spec.toString()).isEmpty();
  }

  @Provide
  Arbitrary<ObjectNode> validSpecs() {
    Arbitrary<ObjectNode> audience =
        Arbitraries.oneOf(
            Arbitraries.just(JSON.objectNode().put("all", true)),
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .ofMinLength(1)
                .ofMaxLength(256)
                .list()
                .ofMinSize(1)
                .ofMaxSize(5)
                .map(
                    ids -> {
                      ObjectNode a = JSON.objectNode();
                      ids.forEach(a.putArray("users")::add);
                      return a;
                    }),
            Combinators.combine(
                    Arbitraries.of("In", "NotIn", "Exists", "DoesNotExist"),
                    Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(253),
                    Arbitraries.strings().ofMaxLength(256).list().ofMinSize(1).ofMaxSize(5))
                .as(
                    (op, key, values) -> {
                      ObjectNode a = JSON.objectNode();
                      ObjectNode e =
                          a.putObject("selector")
                              .putArray("matchExpressions")
                              .addObject()
                              .put("key", key)
                              .put("operator", op);
                      if (op.equals("In") || op.equals("NotIn")) {
                        values.forEach(e.putArray("values")::add);
                      }
                      return a;
                    }),
            Arbitraries.maps(
                    Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(253),
                    Arbitraries.strings().ofMaxLength(256))
                .ofMinSize(1)
                .ofMaxSize(64)
                .map(
                    labels -> {
                      ObjectNode a = JSON.objectNode();
                      ObjectNode m = a.putObject("selector").putObject("matchLabels");
                      labels.forEach(m::put);
                      return a;
                    }));
    Arbitrary<ObjectNode> when =
        Arbitraries.oneOf(
            Arbitraries.of("@daily", "@hourly", "0 9 * * MON", "*/5 8-18 * * 1-5", "@every 90m")
                .map(c -> JSON.objectNode().put("schedule", c)),
            Arbitraries.of(
                    "2026-12-01T10:00:00Z",
                    "2027-01-31T23:59:59.5+05:30",
                    "2026-06-15T08:00:00-07:00")
                .map(t -> JSON.objectNode().put("startAt", t)));
    Arbitrary<String> timeOfDay =
        Combinators.combine(
                Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 59))
            .as((h, m) -> String.format("%02d:%02d", h, m));
    Arbitrary<String> window =
        Arbitraries.oneOf(
            Arbitraries.integers().between(1, 8760).map(h -> h + "h"),
            Arbitraries.integers().between(1, 525600).map(m -> m + "m"),
            Arbitraries.of("1h30m", "60s", "60000ms", "24h", "168h", "8759h60m"));
    Arbitrary<ObjectNode> delivery =
        Combinators.combine(
                timeOfDay.injectNull(0.3),
                Combinators.combine(timeOfDay, timeOfDay)
                    .as((a, b) -> List.of(a, b))
                    .filter(q -> !q.get(0).equals(q.get(1)))
                    .injectNull(0.3),
                Arbitraries.integers().between(1, 100000).injectNull(0.3),
                Arbitraries.integers().between(1, 1000).injectNull(0.3),
                window)
            .as(
                (deliverAt, quiet, throttle, count, w) -> {
                  ObjectNode s = JSON.objectNode();
                  if (deliverAt != null) {
                    s.put("deliverAt", deliverAt);
                  }
                  if (quiet != null) {
                    s.putObject("quietHours").put("start", quiet.get(0)).put("end", quiet.get(1));
                  }
                  if (throttle != null) {
                    s.put("throttle", throttle);
                  }
                  if (count != null) {
                    s.putObject("frequencyCap").put("count", count).put("window", w);
                  }
                  return s;
                });
    Arbitrary<ObjectNode> lanes =
        Combinators.combine(
                Arbitraries.of("high", "normal", "bulk").injectNull(0.3),
                Arbitraries.of("Allow", "Forbid", "Replace").injectNull(0.3),
                Arbitraries.integers().between(0, 100).injectNull(0.3),
                Arbitraries.longs().between(1, 2147483647L).injectNull(0.3))
            .as(
                (priority, policy, limit, deadline) -> {
                  ObjectNode s = JSON.objectNode();
                  if (priority != null) {
                    s.put("priority", priority);
                  }
                  if (policy != null) {
                    s.put("concurrencyPolicy", policy);
                  }
                  if (limit != null) {
                    s.put("successfulRunsHistoryLimit", limit).put("failedRunsHistoryLimit", limit);
                  }
                  if (deadline != null) {
                    s.put("startingDeadlineSeconds", deadline);
                  }
                  return s;
                });
    return Combinators.combine(audience, when, delivery, lanes)
        .as(
            (a, w, d, l) -> {
              ObjectNode s = JSON.objectNode().put("template", "digest");
              s.putArray("channels").add("email");
              s.set("audience", a.deepCopy());
              s.setAll(w);
              s.setAll(d);
              s.setAll(l);
              return s;
            });
  }

  // ---- bad input: each names its field --------------------------------------------------------

  /** A change that breaks a valid spec, the field it should be reported on, and a word of why. */
  record Breakage(String what, Consumer<ObjectNode> change, String field, String because) {
    @Override
    public String toString() {
      return what;
    }
  }

  @Property(tries = 1500, seed = "20261211")
  void everyBadInputIsAnErrorNamingItsField(@ForAll("breakages") Breakage breakage) {
    ObjectNode spec = minimal();
    breakage.change().accept(spec);
    List<FieldError> errors = errors(spec);
    assertThat(errors)
        .as(breakage + " in " + spec)
        .anySatisfy(
            e -> {
              assertThat(e.field()).isEqualTo(breakage.field());
              assertThat(e.message()).contains(breakage.because());
            });
  }

  @Provide
  Arbitrary<Breakage> breakages() {
    return Arbitraries.oneOf(
        badDeliverAt(),
        badQuietHours(),
        scheduleAndStartAt(),
        neitherScheduleNorStartAt(),
        twoAudiences(),
        unknownOperator(),
        valuesWithExistence(),
        missingValuesForInNotIn(),
        badThrottle(),
        badCapCount(),
        badWindow(),
        unknownEnums(),
        badShapes());
  }

  /** Strings that are not HH:MM on a 24-hour clock. */
  private static Arbitrary<String> notTimeOfDay() {
    return Arbitraries.oneOf(
        Combinators.combine(
                Arbitraries.integers().between(24, 99), Arbitraries.integers().between(0, 59))
            .as((h, m) -> String.format("%02d:%02d", h, m)),
        Combinators.combine(
                Arbitraries.integers().between(0, 23), Arbitraries.integers().between(60, 99))
            .as((h, m) -> String.format("%02d:%02d", h, m)),
        Arbitraries.of("9:00", "09:0", "0900", "09:00:00", "09.00", " 09:00", "09:00 ", "", "noon"),
        // No line terminators: java.util.regex lets $ match before a final one, RE2 (the API
        // server's) does not, so "09:00\n" passes the operator's check alone.
        Arbitraries.strings()
            .ofMaxLength(8)
            .filter(s -> !s.matches("([01][0-9]|2[0-3]):[0-5][0-9]"))
            .filter(s -> s.chars().noneMatch(CampaignSchemaTest::isLineTerminator)));
  }

  private static boolean isLineTerminator(int c) {
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
  }

  private static Arbitrary<Breakage> badDeliverAt() {
    return notTimeOfDay()
        .map(
            t ->
                new Breakage(
                    "deliverAt " + t, s -> s.put("deliverAt", t), "spec.deliverAt", "must match"));
  }

  private static Arbitrary<Breakage> badQuietHours() {
    Arbitrary<String> good = Arbitraries.of("21:00", "08:00", "00:00", "23:59");
    return Arbitraries.oneOf(
        Combinators.combine(notTimeOfDay(), good)
            .as(
                (bad, end) ->
                    new Breakage(
                        "quietHours.start " + bad,
                        s -> s.putObject("quietHours").put("start", bad).put("end", end),
                        "spec.quietHours.start",
                        "must match")),
        Combinators.combine(good, notTimeOfDay())
            .as(
                (start, bad) ->
                    new Breakage(
                        "quietHours.end " + bad,
                        s -> s.putObject("quietHours").put("start", start).put("end", bad),
                        "spec.quietHours.end",
                        "must match")),
        good.map(
            t ->
                new Breakage(
                    "quietHours without end",
                    s -> s.putObject("quietHours").put("start", t),
                    "spec.quietHours.end",
                    "Required value")),
        good.map(
            t ->
                new Breakage(
                    "quietHours " + t + "-" + t,
                    s -> s.putObject("quietHours").put("start", t).put("end", t),
                    "spec.quietHours",
                    "must differ")));
  }

  private static Arbitrary<Breakage> scheduleAndStartAt() {
    return Arbitraries.of("2026-12-01T10:00:00Z", "2027-03-01T08:30:00+01:00")
        .map(
            t ->
                new Breakage(
                    "schedule and startAt",
                    s -> s.put("startAt", t),
                    "spec",
                    "exclude each other"));
  }

  private static Arbitrary<Breakage> neitherScheduleNorStartAt() {
    return Arbitraries.just(
        new Breakage("neither schedule nor startAt", s -> s.remove("schedule"), "spec", "needs"));
  }

  private static Arbitrary<Breakage> twoAudiences() {
    Consumer<ObjectNode> selector =
        a -> a.putObject("selector").putObject("matchLabels").put("plan", "pro");
    Consumer<ObjectNode> users = a -> a.putArray("users").add("u-1");
    Consumer<ObjectNode> all = a -> a.put("all", true);
    return Arbitraries.of(
            List.of(selector, users),
            List.of(selector, all),
            List.of(users, all),
            List.of(selector, users, all))
        .map(
            parts ->
                new Breakage(
                    parts.size() + " audiences",
                    s -> {
                      ObjectNode a = s.putObject("audience");
                      parts.forEach(p -> p.accept(a));
                    },
                    "spec.audience",
                    "exactly one of selector, users or all"));
  }

  private static ObjectNode expression(ObjectNode spec, String key, String operator) {
    return spec.putObject("audience")
        .putObject("selector")
        .putArray("matchExpressions")
        .addObject()
        .put("key", key)
        .put("operator", operator);
  }

  private static Arbitrary<Breakage> unknownOperator() {
    return Arbitraries.oneOf(
            Arbitraries.of("in", "IN", "Equals", "NotExists", "Gt", "Lt", "=", "!=", ""),
            Arbitraries.strings().ofMaxLength(12))
        .filter(op -> !List.of("In", "NotIn", "Exists", "DoesNotExist").contains(op))
        .map(
            op ->
                new Breakage(
                    "operator " + op,
                    s -> expression(s, "plan", op).putArray("values").add("pro"),
                    "spec.audience.selector.matchExpressions[0].operator",
                    "must be one of"));
  }

  private static Arbitrary<Breakage> valuesWithExistence() {
    return Combinators.combine(
            Arbitraries.of("Exists", "DoesNotExist"),
            Arbitraries.strings().ofMaxLength(20).list().ofMinSize(1).ofMaxSize(4))
        .as(
            (op, values) ->
                new Breakage(
                    op + " with values " + values,
                    s -> {
                      ArrayNode v = expression(s, "churned", op).putArray("values");
                      values.forEach(v::add);
                    },
                    "spec.audience.selector.matchExpressions[0]",
                    "take no values"));
  }

  private static Arbitrary<Breakage> missingValuesForInNotIn() {
    return Combinators.combine(Arbitraries.of("In", "NotIn"), Arbitraries.of(true, false))
        .as(
            (op, empty) ->
                new Breakage(
                    op + (empty ? " with values: []" : " without values"),
                    s -> {
                      ObjectNode e = expression(s, "country", op);
                      if (empty) {
                        e.putArray("values");
                      }
                    },
                    "spec.audience.selector.matchExpressions[0]",
                    "need at least one value"));
  }

  private static Arbitrary<Breakage> badThrottle() {
    return Arbitraries.oneOf(
            Arbitraries.longs().between(Long.MIN_VALUE / 2, 0),
            Arbitraries.longs().between(100_001, Long.MAX_VALUE / 2))
        .map(
            n ->
                new Breakage(
                    "throttle " + n,
                    s -> s.put("throttle", n),
                    "spec.throttle",
                    n <= 0 ? "must be at least 1" : "must be at most 100000"));
  }

  private static Arbitrary<Breakage> badCapCount() {
    return Arbitraries.oneOf(
            Arbitraries.integers().between(-1000, 0), Arbitraries.integers().between(1001, 1 << 30))
        .map(
            n ->
                new Breakage(
                    "frequencyCap.count " + n,
                    s -> s.putObject("frequencyCap").put("count", n).put("window", "24h"),
                    "spec.frequencyCap.count",
                    "must be at"));
  }

  private static Arbitrary<Breakage> badWindow() {
    Arbitrary<String> tooShort =
        Arbitraries.oneOf(
            Arbitraries.of("0s", "0m", "0h", "0ms", "0h0m0s", "00h"),
            Arbitraries.integers().between(0, 59).map(n -> n + "s"),
            Arbitraries.integers().between(0, 59_999).map(n -> n + "ms"));
    Arbitrary<String> tooLong =
        Arbitraries.oneOf(
            Arbitraries.integers().between(8761, 1_000_000).map(n -> n + "h"),
            Arbitraries.integers().between(525_601, 100_000_000).map(n -> n + "m"),
            Arbitraries.of("8760h1s", "9999999999999999h", "99999999999999999999h"));
    Arbitrary<Breakage> outOfRange =
        Arbitraries.oneOf(tooShort, tooLong)
            .map(
                w ->
                    new Breakage(
                        "window " + w,
                        s -> s.putObject("frequencyCap").put("count", 1).put("window", w),
                        "spec.frequencyCap.window",
                        "must be from 1m to 8760h"));
    Arbitrary<Breakage> notADuration =
        Arbitraries.of("7d", "1w", "24", "h", "1.5h", "-1h", "24 h", "")
            .map(
                w ->
                    new Breakage(
                        "window " + w,
                        s -> s.putObject("frequencyCap").put("count", 1).put("window", w),
                        "spec.frequencyCap.window",
                        "must match"));
    return Arbitraries.oneOf(outOfRange, notADuration);
  }

  private static Arbitrary<Breakage> unknownEnums() {
    return Arbitraries.oneOf(
        Arbitraries.of("urgent", "HIGH", "Bulk", "low", "", "critical")
            .map(
                p ->
                    new Breakage(
                        "priority " + p,
                        s -> s.put("priority", p),
                        "spec.priority",
                        "must be one of")),
        Arbitraries.of("allow", "Skip", "Queue", "")
            .map(
                p ->
                    new Breakage(
                        "concurrencyPolicy " + p,
                        s -> s.put("concurrencyPolicy", p),
                        "spec.concurrencyPolicy",
                        "must be one of")),
        Arbitraries.of("fax", "EMAIL", "")
            .map(
                c ->
                    new Breakage(
                        "channel " + c,
                        s -> s.putArray("channels").add(c),
                        "spec.channels[0]",
                        "must be one of")));
  }

  private static Arbitrary<Breakage> badShapes() {
    return Arbitraries.of(
        new Breakage(
            "TZ= in schedule",
            s -> s.put("schedule", "TZ=Europe/Berlin 0 9 * * *"),
            "spec.schedule",
            "must match"),
        new Breakage("empty schedule", s -> s.put("schedule", ""), "spec.schedule", "at least 1"),
        new Breakage(
            "long schedule",
            s -> s.put("schedule", "0 ".repeat(200)),
            "spec.schedule",
            "at most 256"),
        new Breakage(
            "zone with a space",
            s -> s.put("timeZone", "Europe/ Berlin"),
            "spec.timeZone",
            "must match"),
        new Breakage(
            "long zone", s -> s.put("timeZone", "A".repeat(65)), "spec.timeZone", "at most 64"),
        new Breakage(
            "startAt without a zone",
            s -> {
              s.remove("schedule");
              s.put("startAt", "2026-12-01T10:00:00");
            },
            "spec.startAt",
            "must match"),
        new Breakage(
            "all: false",
            s -> s.putObject("audience").put("all", false),
            "spec.audience.all",
            "selects no one"),
        new Breakage(
            "an empty selector",
            s -> s.putObject("audience").putObject("selector"),
            "spec.audience.selector",
            "needs matchLabels or matchExpressions"),
        new Breakage(
            "no users",
            s -> s.putObject("audience").putArray("users"),
            "spec.audience.users",
            "at least 1"),
        new Breakage(
            "a long attribute value",
            s ->
                s.putObject("audience")
                    .putObject("selector")
                    .putObject("matchLabels")
                    .put("plan", "x".repeat(257)),
            "spec.audience.selector.matchLabels",
            "at most 256"),
        new Breakage(
            "65 attributes",
            s -> {
              ObjectNode labels =
                  s.putObject("audience").putObject("selector").putObject("matchLabels");
              for (int i = 0; i < 65; i++) {
                labels.put("a" + i, "v");
              }
            },
            "spec.audience.selector.matchLabels",
            "at most 64"),
        new Breakage(
            "negative history limit",
            s -> s.put("successfulRunsHistoryLimit", -1),
            "spec.successfulRunsHistoryLimit",
            "must be at least 0"),
        new Breakage(
            "huge history limit",
            s -> s.put("failedRunsHistoryLimit", 101),
            "spec.failedRunsHistoryLimit",
            "must be at most 100"),
        new Breakage(
            "zero deadline",
            s -> s.put("startingDeadlineSeconds", 0),
            "spec.startingDeadlineSeconds",
            "must be at least 1"),
        new Breakage("no audience", s -> s.remove("audience"), "spec.audience", "Required value"),
        new Breakage(
            "suspend: yes", s -> s.put("suspend", "yes"), "spec.suspend", "must be a boolean"),
        new Breakage("unknown field", s -> s.put("cron", "@daily"), "spec.cron", "unknown field"));
  }
}
