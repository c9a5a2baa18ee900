package dev.herald.core.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %maskedMsg}: the message with personal data masked, for {@code HERALD_LOG_FORMAT=text}.
 */
public final class MaskedMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return PersonalData.scrub(event.getFormattedMessage());
  }
}
