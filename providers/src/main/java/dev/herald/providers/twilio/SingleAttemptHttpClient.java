package dev.herald.providers.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.IOException;
import java.time.Duration;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.Header;

/**
 * The twilio SDK's own HTTP client, made to send each request once.
 *
 * <p>The SDK retries by itself in two places: {@code HttpClient.reliableRequest} repeats any 5xx up
 * to three times, 100 ms apart, and Apache HttpClient's default retry strategy repeats 429 and 503
 * once after their {@code Retry-After}. Either would hide attempts from Herald's retry budget (and
 * hold a dispatcher thread meanwhile), so the first is turned off here and the second by {@code
 * disableAutomaticRetries()} in {@link TwilioClientFactory}: one Herald attempt is one HTTP
 * request, and Herald's backoff decides when to try again.
 *
 * <p>It also remembers, per thread, the status and {@code Retry-After} of the last answer: the SDK
 * keeps neither when it turns an answer into an exception (or fails to parse a 2xx body).
 */
final class SingleAttemptHttpClient extends NetworkHttpClient {
  private static final int[] RETRY_NOTHING = new int[0];

  /** The last answer on a thread: its status and {@code Retry-After}, if any. */
  record Answer(int status, Duration retryAfter) {}

  private final ThreadLocal<Answer> last = new ThreadLocal<>();

  SingleAttemptHttpClient(HttpClientBuilder builder) {
    super(builder);
  }

  @Override
  public Response reliableRequest(Request request) {
    last.remove();
    Response response = reliableRequest(request, RETRY_NOTHING, 1, 0);
    if (response != null) {
      last.set(new Answer(response.getStatusCode(), retryAfter(response.getHeaders())));
    }
    return response;
  }

  /** The answer the last request on this thread got, or {@code null} if none came. */
  Answer lastAnswer() {
    return last.get();
  }

  private static Duration retryAfter(Header[] headers) {
    if (headers == null) {
      return null;
    }
    for (Header h : headers) {
      if ("Retry-After".equalsIgnoreCase(h.getName())) {
        try {
          return Duration.ofSeconds(Long.parseLong(h.getValue().trim()));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  void close() throws IOException {
    client.close();
  }
}
