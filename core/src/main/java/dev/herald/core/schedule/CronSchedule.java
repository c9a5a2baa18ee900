package dev.herald.core.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.field.expression.And;
import com.cronutils.model.field.expression.Between;
import com.cronutils.model.field.expression.Every;
import com.cronutils.model.field.expression.FieldExpression;
import com.cronutils.model.field.expression.On;
import com.cronutils.model.field.expression.QuestionMark;
import com.cronutils.model.field.value.FieldValue;
import com.cronutils.model.field.value.SpecialChar;
import com.cronutils.parser.CronParser;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A campaign's {@code spec.schedule}, in exactly the vocabulary and with exactly the timing of a
 * Kubernetes CronJob.
 *
 * <p><b>Syntax.</b> The API server validates a CronJob's schedule with robfig/cron v3's {@code
 * ParseStandard} (kubernetes/kubernetes {@code pkg/apis/batch/validation/validation.go}, {@code
 * validateScheduleFormat}), and so does this class, through cron-utils with a definition shaped
 * like robfig's standard parser: five fields (minute 0-59, hour 0-23, day of month 1-31, month
 * 1-12 or {@code jan}-{@code dec}, day of week 0-6 or {@code sun}-{@code sat}, names in any case),
 * each a list of values, ranges {@code a-b} and steps {@code * /n}, {@code a/n} (a to the maximum),
 * {@code a-b/n}; {@code ?} means {@code *} in any field; no {@code L}, {@code W}, {@code #}, no 7
 * for Sunday, no ranges that wrap. Descriptors: {@code @yearly} and {@code @annually} ({@code 0 0
 * 1 1 *}), {@code @monthly} ({@code 0 0 1 * *}), {@code @weekly} ({@code 0 0 * * 0}), {@code
 * @daily} and {@code @midnight} ({@code 0 0 * * *}), {@code @hourly} ({@code 0 * * * *}), and
 * {@code @every <Go duration>}: robfig's standard parser has the Descriptor option, so the API
 * server accepts {@code @every 90m}, and the CronJob controller handles it (its {@code
 * mostRecentScheduleTime} comments on "the ones specified with @every form"). As in robfig, an
 * {@code @every} interval is rounded down to whole seconds (at least one) and counted from the
 * last run, not from the clock's hours. A {@code TZ=} or {@code CRON_TZ=} prefix (any "TZ" at all)
 * is refused as the API server refuses it: the zone is {@code spec.timeZone}.
 *
 * <p><b>Days.</b> As robfig's {@code dayMatches}: when the day-of-month or the day-of-week field
 * starts with {@code *} or {@code ?} (without a step above 1), a day must match both; otherwise
 * either is enough ({@code 0 9 1 * mon} is the 1st and every Monday).
 *
 * <p><b>Daylight saving.</b> robfig/cron v3's {@code SpecSchedule.Next}, which the CronJob
 * controller calls, walks the fields in the zone and advances hours and minutes by adding real
 * time; its result is the first instant after the given time whose wall-clock reading in the zone
 * matches. So, as Kubernetes users see (kubernetes/kubernetes#121594 "CronJob will be run twice,
 * when switching to wintertime"; argoproj/argo-workflows#8137; robfig/cron#541, unmerged, which
 * would change it):
 *
 * <ul>
 *   <li>a time inside a spring-forward gap does not exist and does not fire: {@code 30 2 * * *} in
 *       Europe/Berlin has no run on the last Sunday of March (the next is on Monday);
 *   <li>a time inside a fall-back overlap exists twice and fires twice, an hour apart: {@code 30 2
 *       * * *} in Europe/Berlin runs at 02:30 CEST and at 02:30 CET on the last Sunday of October;
 *   <li>schedules that name no hour (every n minutes, hourly) keep their pace in real time across
 *       both.
 * </ul>
 *
 * The same holds for zones that shift by 30 minutes (Australia/Lord_Howe). Like robfig, a search
 * looks five years ahead at most: a schedule that names no day that exists ({@code 0 0 30 2 *}) is
 * refused at parse time, because the controller could never start it (it reports "time difference
 * between two schedules is less than 1 second"). One divergence, for zones whose clocks jump at
 * midnight: robfig's repair of a missing midnight can land on the day before; here a day simply
 * starts at its first instant.
 *
 * <p>Instances are immutable and compare by expression.
 */
public final class CronSchedule {
  public static final String FIELD = "spec.schedule";

  private static final Map<String, String> DESCRIPTORS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };
  private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  private static final Pattern NAME = Pattern.compile("[A-Za-z]+");
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");
  private static final int YEARS_AHEAD = 5;
  private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};
  private static final CronParser PARSER = new CronParser(definition());

  private final String expression;
  private final Duration every;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean dayOfMonthStar;
  private final boolean dayOfWeekStar;

  private CronSchedule(String expression, Duration every, long[] bits, boolean[] stars) {
    this.expression = expression;
    this.every = every;
    this.minutes = bits[0];
    this.hours = bits[1];
    this.daysOfMonth = bits[2];
    this.months = bits[3];
    this.daysOfWeek = bits[4];
    this.dayOfMonthStar = stars[2];
    this.dayOfWeekStar = stars[4];
  }

  /** robfig's standard parser as a cron-utils definition; names and {@code ?} are mapped before. */
  private static CronDefinition definition() {
    return CronDefinitionBuilder.defineCron()
        .withMinutes()
        .withValidRange(0, 59)
        .withStrictRange()
        .and()
        .withHours()
        .withValidRange(0, 23)
        .withStrictRange()
        .and()
        .withDayOfMonth()
        .withValidRange(1, 31)
        .withStrictRange()
        .and()
        .withMonth()
        .withValidRange(1, 12)
        .withStrictRange()
        .and()
        .withDayOfWeek()
        .withValidRange(0, 6)
        .withMondayDoWValue(1)
        .withStrictRange()
        .and()
        .instance();
  }

  /**
   * Parses a CronJob {@code schedule}.
   *
   * @throws ScheduleProblem naming {@code spec.schedule}, for anything the API server would refuse
   *     and for a schedule that can never fire
   */
  public static CronSchedule parse(String schedule) {
    if (schedule == null || schedule.isEmpty()) {
      throw new ScheduleProblem(FIELD, "is required (or give spec.startAt for a single run)");
    }
    if (schedule.contains("TZ")) {
      throw new ScheduleProblem(
          FIELD,
          "cannot use TZ or CRON_TZ in the schedule "
              + ScheduleProblem.shown(schedule)
              + ": give the zone in spec.timeZone");
    }
    if (schedule.startsWith("@")) {
      String expansion = DESCRIPTORS.get(schedule);
      if (expansion != null) {
        return fields(schedule, expansion);
      }
      if (schedule.startsWith("@every ")) {
        return new CronSchedule(
            schedule, every(schedule, schedule.substring(7)), new long[5], new boolean[5]);
      }
      throw new ScheduleProblem(
          FIELD,
          "unrecognized descriptor "
              + ScheduleProblem.shown(schedule)
              + ": use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or"
              + " @every <duration>");
    }
    return fields(schedule, schedule);
  }

  private static CronSchedule fields(String schedule, String text) {
    String[] fields = text.trim().split("\\s+");
    if (fields.length != 5) {
      throw new ScheduleProblem(
          FIELD,
          "expected exactly 5 fields (minute hour day-of-month month day-of-week), found "
              + (text.isBlank() ? 0 : fields.length)
              + " in "
              + ScheduleProblem.shown(schedule));
    }
    boolean[] stars = new boolean[5];
    for (int i = 0; i < 5; i++) {
      fields[i] = fields[i].replace('?', '*');
      if (i == 3) {
        fields[i] = names(schedule, fields[i], MONTHS, 1);
      } else if (i == 4) {
        fields[i] = names(schedule, fields[i], DAYS, 0);
      }
      stars[i] = star(fields[i]);
      fields[i] = longSteps(fields[i], BOUNDS[i][0], BOUNDS[i][1]);
    }
    Cron cron;
    try {
      cron = PARSER.parse(String.join(" ", fields)).validate();
    } catch (RuntimeException e) {
      throw new ScheduleProblem(
          FIELD,
          ScheduleProblem.shown(schedule)
              + " is not a cron schedule ("
              + readable(e.getMessage())
              + "); expected minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec,"
              + " day of week 0-6 or sun-sat");
    }
    long[] bits = {
      bits(schedule, cron, CronFieldName.MINUTE, 0, 59),
      bits(schedule, cron, CronFieldName.HOUR, 0, 23),
      bits(schedule, cron, CronFieldName.DAY_OF_MONTH, 1, 31),
      bits(schedule, cron, CronFieldName.MONTH, 1, 12),
      bits(schedule, cron, CronFieldName.DAY_OF_WEEK, 0, 6)
    };
    CronSchedule parsed = new CronSchedule(schedule, null, bits, stars);
    if (!parsed.hasAnyDay()) {
      throw new ScheduleProblem(
          FIELD,
          ScheduleProblem.shown(schedule)
              + " never fires: none of the days of the month it names exists in the months it"
              + " names");
    }
    return parsed;
  }

  /** robfig's names: three letters, any case, as a whole value of the month or weekday field. */
  private static String names(String schedule, String field, String[] names, int first) {
    Matcher m = NAME.matcher(field);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String word = m.group().toLowerCase(Locale.ROOT);
      int index = List.of(names).indexOf(word);
      if (index < 0) {
        throw new ScheduleProblem(
            FIELD,
            ScheduleProblem.shown(schedule)
                + " is not a cron schedule: unknown name "
                + ScheduleProblem.shown(m.group())
                + " (names are "
                + names[0]
                + "…"
                + names[names.length - 1]
                + ")");
      }
      m.appendReplacement(out, Integer.toString(index + first));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * robfig takes any positive step, even one longer than the field ({@code * /61} in the minutes is
   * minute 0, and the API server accepts it); cron-utils refuses those, so such a part becomes its
   * first value, which is all it selects.
   */
  private static String longSteps(String field, int min, int max) {
    StringBuilder out = new StringBuilder();
    for (String part : field.split(",", -1)) {
      String[] rangeAndStep = part.split("/", -1);
      if (rangeAndStep.length == 2 && rangeAndStep[1].matches("[0-9]{1,9}")) {
        int step = Integer.parseInt(rangeAndStep[1]);
        if (step > max - min) {
          String start = rangeAndStep[0].split("-", -1)[0];
          part = start.equals("*") ? Integer.toString(min) : start;
        }
      }
      out.append(out.isEmpty() ? "" : ",").append(part);
    }
    return out.toString();
  }

  /** robfig's star bit: a part that starts with {@code *} (or {@code ?}) with no step above 1. */
  private static boolean star(String field) {
    for (String part : field.split(",")) {
      String[] rangeAndStep = part.split("/", -1);
      if (rangeAndStep[0].split("-", -1)[0].equals("*")
          && (rangeAndStep.length == 1 || rangeAndStep[1].matches("0*1"))) {
        return true;
      }
    }
    return false;
  }

  private static String readable(String message) {
    if (message == null) {
      return "unreadable";
    }
    String m =
        message
            .replaceFirst("^Failed to parse '[^']*'\\. ", "")
            .replaceFirst("^Failed to parse cron expression\\. ", "");
    return m.length() > 160 ? m.substring(0, 160) + "…" : m;
  }

  private static long bits(String schedule, Cron cron, CronFieldName name, int min, int max) {
    return bits(schedule, cron.retrieve(name).getExpression(), min, max);
  }

  private static long bits(String schedule, FieldExpression e, int min, int max) {
    if (e instanceof Always || e instanceof QuestionMark) {
      return range(min, max, 1);
    }
    if (e instanceof And and) {
      long bits = 0;
      for (FieldExpression part : and.getExpressions()) {
        bits |= bits(schedule, part, min, max);
      }
      return bits;
    }
    if (e instanceof On on) {
      special(schedule, on);
      return range(value(on.getTime()), value(on.getTime()), 1);
    }
    if (e instanceof Between between) {
      return range(value(between.getFrom()), value(between.getTo()), 1);
    }
    if (e instanceof Every every) {
      int step = every.getPeriod().getValue();
      FieldExpression inner = every.getExpression();
      if (inner instanceof On on) {
        special(schedule, on);
        return range(value(on.getTime()), max, step);
      }
      if (inner instanceof Between between) {
        return range(value(between.getFrom()), value(between.getTo()), step);
      }
      return range(min, max, step);
    }
    throw new ScheduleProblem(
        FIELD, ScheduleProblem.shown(schedule) + " uses a form CronJob does not accept");
  }

  private static void special(String schedule, On on) {
    if (on.getSpecialChar() != null && on.getSpecialChar().getValue() != SpecialChar.NONE) {
      throw new ScheduleProblem(
          FIELD,
          ScheduleProblem.shown(schedule)
              + " uses "
              + on.getSpecialChar().getValue()
              + ", which CronJob does not accept");
    }
  }

  private static int value(FieldValue<?> v) {
    return ((Number) v.getValue()).intValue();
  }

  private static long range(int from, int to, int step) {
    if (step <= 0) {
      throw new IllegalArgumentException("step " + step);
    }
    long bits = 0;
    for (int i = from; i <= to; i += step) {
      bits |= 1L << i;
    }
    return bits;
  }

  /** robfig's {@code Every}: Go's duration syntax, rounded down to seconds, at least one. */
  private static Duration every(String schedule, String text) {
    String t = text;
    boolean negative = false;
    if (t.startsWith("-") || t.startsWith("+")) {
      negative = t.startsWith("-");
      t = t.substring(1);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    if (!t.equals("0")) {
      Matcher m = GO_DURATION_PART.matcher(t);
      int end = 0;
      while (m.find() && m.start() == end) {
        String number = m.group(1);
        if (number.isEmpty() || number.equals(".")) {
          break;
        }
        long unit =
            switch (m.group(2)) {
              case "ns" -> 1L;
              case "ms" -> 1_000_000L;
              case "s" -> 1_000_000_000L;
              case "m" -> 60_000_000_000L;
              case "h" -> 3_600_000_000_000L;
              default -> 1_000L;
            };
        nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
        end = m.end();
      }
      if (end == 0 || end != t.length()) {
        throw new ScheduleProblem(
            FIELD,
            "failed to parse the duration of "
                + ScheduleProblem.shown(schedule)
                + ": write it as Go does, e.g. @every 90s, @every 1h30m");
      }
      if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new ScheduleProblem(
            FIELD, "the duration of " + ScheduleProblem.shown(schedule) + " is too long");
      }
    }
    long seconds = negative ? 0 : nanos.longValue() / 1_000_000_000L;
    return Duration.ofSeconds(Math.max(1, seconds));
  }

  /** The schedule as written. */
  public String expression() {
    return expression;
  }

  /** The interval of an {@code @every} schedule, when it is one. */
  public Optional<Duration> interval() {
    return Optional.ofNullable(every);
  }

  /**
   * The first fire time strictly after {@code after} (robfig starts at the next whole second), in
   * {@code zone}; empty when none comes within five years (robfig's limit). An {@code @every}
   * schedule fires its interval after {@code after}, whatever the zone.
   */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    if (every != null) {
      return Optional.of(after.truncatedTo(ChronoUnit.SECONDS).plus(every));
    }
    ZoneRules rules = zone.getRules();
    LocalDate start = LocalDate.ofInstant(after, zone).minusDays(1);
    int lastYear = LocalDate.ofInstant(after, zone).getYear() + YEARS_AHEAD;
    for (LocalDate d = start; d.getYear() <= lastYear; d = d.plusDays(1)) {
      if (!has(months, d.getMonthValue())) {
        d = d.withDayOfMonth(d.lengthOfMonth());
        continue;
      }
      Instant best = earliestOnDay(d, rules, after);
      if (best != null) {
        Instant following = earliestOnDay(d.plusDays(1), rules, after);
        return Optional.of(following != null && following.isBefore(best) ? following : best);
      }
    }
    return Optional.empty();
  }

  /**
   * The last fire time at or before {@code atOrBefore} in {@code zone}, looking back five years;
   * empty for an {@code @every} schedule, whose times depend on when it last ran.
   */
  public Optional<Instant> previous(Instant atOrBefore, ZoneId zone) {
    if (every != null) {
      return Optional.empty();
    }
    ZoneRules rules = zone.getRules();
    LocalDate start = LocalDate.ofInstant(atOrBefore, zone).plusDays(1);
    int firstYear = start.getYear() - 1 - YEARS_AHEAD;
    for (LocalDate d = start; d.getYear() >= firstYear; d = d.minusDays(1)) {
      if (!has(months, d.getMonthValue())) {
        d = d.withDayOfMonth(1);
        continue;
      }
      Instant best = latestOnDay(d, rules, atOrBefore);
      if (best != null) {
        Instant preceding = latestOnDay(d.minusDays(1), rules, atOrBefore);
        return Optional.of(preceding != null && preceding.isAfter(best) ? preceding : best);
      }
    }
    return Optional.empty();
  }

  /** Whether the wall-clock reading of {@code at} in {@code zone} matches the schedule. */
  public boolean matches(Instant at, ZoneId zone) {
    if (every != null) {
      throw new IllegalStateException("an @every schedule has no wall-clock times");
    }
    LocalDateTime t = LocalDateTime.ofInstant(at, zone);
    return t.getSecond() == 0
        && t.getNano() == 0
        && has(minutes, t.getMinute())
        && has(hours, t.getHour())
        && has(months, t.getMonthValue())
        && dayMatches(t.toLocalDate());
  }

  private Instant earliestOnDay(LocalDate d, ZoneRules rules, Instant after) {
    if (!has(months, d.getMonthValue()) || !dayMatches(d)) {
      return null;
    }
    Instant best = null;
    for (int h = 0; h < 24; h++) {
      if (!has(hours, h)) {
        continue;
      }
      for (int m = 0; m < 60; m++) {
        if (!has(minutes, m)) {
          continue;
        }
        LocalDateTime local = d.atTime(h, m);
        for (ZoneOffset offset : rules.getValidOffsets(local)) {
          Instant i = local.toInstant(offset);
          if (i.isAfter(after) && (best == null || i.isBefore(best))) {
            best = i;
          }
        }
      }
    }
    return best;
  }

  private Instant latestOnDay(LocalDate d, ZoneRules rules, Instant atOrBefore) {
    if (!has(months, d.getMonthValue()) || !dayMatches(d)) {
      return null;
    }
    Instant best = null;
    for (int h = 23; h >= 0; h--) {
      if (!has(hours, h)) {
        continue;
      }
      for (int m = 59; m >= 0; m--) {
        if (!has(minutes, m)) {
          continue;
        }
        LocalDateTime local = d.atTime(h, m);
        for (ZoneOffset offset : rules.getValidOffsets(local)) {
          Instant i = local.toInstant(offset);
          if (!i.isAfter(atOrBefore) && (best == null || i.isAfter(best))) {
            best = i;
          }
        }
      }
    }
    return best;
  }

  /** robfig's {@code dayMatches}. */
  private boolean dayMatches(LocalDate d) {
    boolean dom = has(daysOfMonth, d.getDayOfMonth());
    boolean dow = has(daysOfWeek, d.getDayOfWeek().getValue() % 7);
    return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow;
  }

  /** Whether some day can ever match (else the controller could never start a run). */
  private boolean hasAnyDay() {
    if (!(dayOfMonthStar || dayOfWeekStar)) {
      return true;
    }
    for (Month month : Month.values()) {
      if (has(months, month.getValue())
          && Long.numberOfTrailingZeros(daysOfMonth) <= month.maxLength()) {
        return true;
      }
    }
    return false;
  }

  private static boolean has(long bits, int i) {
    return (bits & (1L << i)) != 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule c && c.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  @Override
  public String toString() {
    return expression;
  }
}
