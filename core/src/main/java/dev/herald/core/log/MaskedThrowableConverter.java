package dev.herald.core.log;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %maskedEx}: a stack trace with personal data masked in its messages. */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return PersonalData.scrub(super.convert(event));
  }
}
