package dev.herald.core.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Logback's JSON lines ({@code HERALD_LOG_FORMAT=json}) with the message, its arguments and any
 * exception's messages passed through {@link PersonalData#scrub} first.
 */
public final class MaskingJsonEncoder extends JsonEncoder {
  @Override
  public byte[] encode(ILoggingEvent event) {
    return super.encode(new Scrubbed(event));
  }

  /** An event as the encoder sees it: the same, with personal data masked in its texts. */
  private record Scrubbed(ILoggingEvent event) implements ILoggingEvent {
    @Override
    public String getThreadName() {
      return event.getThreadName();
    }

    @Override
    public Level getLevel() {
      return event.getLevel();
    }

    @Override
    public String getMessage() {
      return PersonalData.scrub(event.getMessage());
    }

    @Override
    public Object[] getArgumentArray() {
      Object[] args = event.getArgumentArray();
      if (args == null) {
        return null;
      }
      Object[] scrubbed = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        scrubbed[i] = args[i] == null ? null : PersonalData.scrub(String.valueOf(args[i]));
      }
      return scrubbed;
    }

    @Override
    public String getFormattedMessage() {
      return PersonalData.scrub(event.getFormattedMessage());
    }

    @Override
    public String getLoggerName() {
      return event.getLoggerName();
    }

    @Override
    public LoggerContextVO getLoggerContextVO() {
      return event.getLoggerContextVO();
    }

    @Override
    public IThrowableProxy getThrowableProxy() {
      return ScrubbedThrowable.of(event.getThrowableProxy());
    }

    @Override
    public StackTraceElement[] getCallerData() {
      return event.getCallerData();
    }

    @Override
    public boolean hasCallerData() {
      return event.hasCallerData();
    }

    @Override
    public List<Marker> getMarkerList() {
      return event.getMarkerList();
    }

    @Override
    public Map<String, String> getMDCPropertyMap() {
      return event.getMDCPropertyMap();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Map<String, String> getMdc() {
      return event.getMdc();
    }

    @Override
    public long getTimeStamp() {
      return event.getTimeStamp();
    }

    @Override
    public int getNanoseconds() {
      return event.getNanoseconds();
    }

    @Override
    public Instant getInstant() {
      return event.getInstant();
    }

    @Override
    public long getSequenceNumber() {
      return event.getSequenceNumber();
    }

    @Override
    public List<KeyValuePair> getKeyValuePairs() {
      return event.getKeyValuePairs();
    }

    @Override
    public void prepareForDeferredProcessing() {
      event.prepareForDeferredProcessing();
    }
  }

  /** An exception as the encoder sees it: its message and its causes' messages masked. */
  private record ScrubbedThrowable(IThrowableProxy proxy) implements IThrowableProxy {
    static IThrowableProxy of(IThrowableProxy proxy) {
      return proxy == null ? null : new ScrubbedThrowable(proxy);
    }

    @Override
    public String getMessage() {
      return PersonalData.scrub(proxy.getMessage());
    }

    @Override
    public String getClassName() {
      return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return of(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = proxy.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] scrubbed = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        scrubbed[i] = of(suppressed[i]);
      }
      return scrubbed;
    }

    @Override
    public boolean isCyclic() {
      return proxy.isCyclic();
    }
  }
}
