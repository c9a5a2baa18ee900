package dev.herald.core.schedule;

import dev.herald.core.config.EnvironmentVariables;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;

/**
 * The time campaigns are scheduled in. In production it is the system clock. For a demo or a test
 * of recipient-local delivery it can start at another instant and run faster ({@code
 * HERALD_CAMPAIGN_CLOCK="2027-01-04T08:59:00+01:00 x720"}: Monday 08:59 in Berlin, one real second
 * being twelve campaign minutes), so that a weekly run fires now and a day of time zones passes in
 * two minutes. Schedules, missed runs, {@code deliverAt} and quiet hours are computed in campaign
 * time; a delivery's due time is written in real time ({@link #toReal}), which is what the relay
 * and the dispatchers compare with. Throttles, frequency caps and provider limits stay real.
 *
 * @param real the real clock
 * @param realStart the real instant at which campaign time was {@code campaignStart}
 * @param campaignStart the campaign instant at {@code realStart}
 * @param rate campaign seconds per real second (1 in production)
 */
public record CampaignClock(Clock real, Instant realStart, Instant campaignStart, long rate) {
  public static final String VARIABLE = "HERALD_CAMPAIGN_CLOCK";

  public CampaignClock {
    Objects.requireNonNull(real, "real");
    Objects.requireNonNull(realStart, "realStart");
    Objects.requireNonNull(campaignStart, "campaignStart");
    if (rate < 1) {
      throw new IllegalArgumentException("rate must be at least 1, was " + rate);
    }
  }

  /** Campaign time is real time. */
  public static CampaignClock system() {
    Instant now = Instant.now();
    return new CampaignClock(Clock.systemUTC(), now, now, 1);
  }

  /** Campaign time starting now at {@code campaignStart}, {@code rate} times as fast as real. */
  public static CampaignClock startingAt(Instant campaignStart, long rate) {
    return new CampaignClock(Clock.systemUTC(), Instant.now(), campaignStart, rate);
  }

  /**
   * {@value #VARIABLE}: absent for the system clock, or an RFC 3339 instant, optionally followed by
   * {@code x<rate>} (1 to 86400).
   */
  public static CampaignClock fromEnv(Map<String, String> env) {
    String value = new EnvironmentVariables(env).text(VARIABLE, "").trim();
    if (value.isEmpty()) {
      return system();
    }
    String[] parts = value.split("\\s+");
    long rate = 1;
    if (parts.length > 2 || (parts.length == 2 && !parts[1].startsWith("x"))) {
      throw new IllegalArgumentException(
          VARIABLE + " must be an RFC 3339 instant, optionally followed by x<rate>, was " + value);
    }
    if (parts.length == 2) {
      try {
        rate = Long.parseLong(parts[1].substring(1));
      } catch (NumberFormatException e) {
        rate = 0;
      }
      if (rate < 1 || rate > 86_400) {
        throw new IllegalArgumentException(
            VARIABLE
                + ": the rate after x must be a whole number from 1 to 86400, was "
                + parts[1]);
      }
    }
    try {
      return startingAt(OffsetDateTime.parse(parts[0]).toInstant(), rate);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          VARIABLE
              + " must start with an RFC 3339 instant such as 2027-01-04T08:59:00+01:00, was "
              + parts[0]);
    }
  }

  /** Whether campaign time is real time. */
  public boolean isReal() {
    return rate == 1 && realStart.equals(campaignStart);
  }

  /** Now, in campaign time. */
  public Instant now() {
    return fromReal(real.instant());
  }

  /** The campaign instant of a real one. */
  public Instant fromReal(Instant realInstant) {
    if (isReal()) {
      return realInstant;
    }
    Duration since = Duration.between(realStart, realInstant);
    return campaignStart.plus(since.multipliedBy(rate));
  }

  /** The real instant of a campaign one. */
  public Instant toReal(Instant campaignInstant) {
    if (isReal()) {
      return campaignInstant;
    }
    Duration since = Duration.between(campaignStart, campaignInstant);
    return realStart.plus(since.dividedBy(rate));
  }

  /** How long to wait, in real time, until a campaign instant (zero if it has passed). */
  public Duration realDelayUntil(Instant campaignInstant) {
    Duration d = Duration.between(real.instant(), toReal(campaignInstant));
    return d.isNegative() ? Duration.ZERO : d;
  }
}
