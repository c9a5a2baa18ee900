package dev.herald.providers.fcm;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP transport Herald gives firebase-admin ({@code FirebaseOptions.setHttpTransport}) and
 * google-auth (for the OAuth2 token exchange): google-http-client's request model on the JDK's HTTP
 * client. It does three things the SDK has no setting for.
 *
 * <ul>
 *   <li><b>Endpoint.</b> With {@code spec.endpoint}, requests to {@code fcm.googleapis.com} and to
 *       the service account's token host go to the endpoint instead (same path and query);
 *       everything else goes where it was addressed.
 *   <li><b>One attempt per send.</b> firebase-admin retries a 503 by itself, up to 4 times with
 *       exponential backoff or after the {@code Retry-After} it was given, as long as that is at
 *       most 60 s. That would hide attempts from Herald's retry budget and hold the delivery for up
 *       to minutes. So on 429 and 5xx answers the SDK is shown {@code Retry-After:} {@value
 *       #SDK_RETRY_AFTER}, which it declines to wait for; the provider's own value, if any, travels
 *       in {@value #ORIGINAL_RETRY_AFTER} for Herald's backoff.
 *   <li><b>Timeouts.</b> The SDK's read timeout bounds each request as a whole.
 * </ul>
 */
final class FcmHttpTransport extends HttpTransport {
  static final String FCM_HOST = "fcm.googleapis.com";

  /** Above firebase-admin's 60 s cap on waiting for {@code Retry-After}: it gives up instead. */
  static final String SDK_RETRY_AFTER = "86400";

  /** Where the provider's own {@code Retry-After} is kept. */
  static final String ORIGINAL_RETRY_AFTER = "x-herald-retry-after";

  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final URI endpoint;
  private final Set<String> routedHosts;
  private final HttpClient http;

  /**
   * @param endpoint where Google's hosts go instead, or {@code null}
   * @param tokenHost the host of the service account's {@code token_uri}
   * @param connectTimeout the connect timeout
   */
  FcmHttpTransport(URI endpoint, String tokenHost, Duration connectTimeout) {
    this.endpoint = endpoint;
    this.routedHosts =
        tokenHost == null ? Set.of(FCM_HOST) : Set.of(FCM_HOST, tokenHost.toLowerCase(Locale.ROOT));
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(
                endpoint != null && "http".equals(endpoint.getScheme())
                    ? HttpClient.Version.HTTP_1_1
                    : HttpClient.Version.HTTP_2)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Where a request addressed to {@code url} goes. */
  URI route(URI url) {
    if (endpoint == null
        || url.getHost() == null
        || !routedHosts.contains(url.getHost().toLowerCase(Locale.ROOT))) {
      return url;
    }
    String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
    String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    return URI.create(
        endpoint.getScheme()
            + "://"
            + endpoint.getRawAuthority()
            + base
            + url.getRawPath()
            + query);
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) {
    return new Request(method, route(URI.create(url)));
  }

  @Override
  public void shutdown() {
    http.close();
  }

  private final class Request extends LowLevelHttpRequest {
    private final String method;
    private final URI uri;
    private final List<String[]> headers = new ArrayList<>();
    private Duration readTimeout = Duration.ofSeconds(30);

    Request(String method, URI uri) {
      this.method = method;
      this.uri = uri;
    }

    @Override
    public void addHeader(String name, String value) {
      headers.add(new String[] {name, value});
    }

    @Override
    public void setTimeout(int connectTimeout, int readTimeout) {
      if (readTimeout > 0) {
        this.readTimeout = Duration.ofMillis(readTimeout);
      }
    }

    @Override
    public LowLevelHttpResponse execute() throws IOException {
      HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
      if (getStreamingContent() != null) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        getStreamingContent().writeTo(out);
        body = HttpRequest.BodyPublishers.ofByteArray(out.toByteArray());
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri).timeout(readTimeout).method(method, body);
      for (String[] h : headers) {
        if (!RESTRICTED.contains(h[0].toLowerCase(Locale.ROOT))) {
          request.header(h[0], h[1]);
        }
      }
      if (getContentType() != null) {
        request.setHeader("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        request.setHeader("Content-Encoding", getContentEncoding());
      }
      try {
        return new Response(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for " + uri.getHost());
      }
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final HttpResponse<byte[]> response;
    private final List<String[]> headers = new ArrayList<>();

    Response(HttpResponse<byte[]> response) {
      this.response = response;
      boolean hideRetryAfter = response.statusCode() == 429 || response.statusCode() >= 500;
      for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
        boolean retryAfter = e.getKey().equalsIgnoreCase("retry-after");
        for (String value : e.getValue()) {
          if (hideRetryAfter && retryAfter) {
            headers.add(new String[] {ORIGINAL_RETRY_AFTER, value});
          } else if (!e.getKey().startsWith(":")) {
            headers.add(new String[] {e.getKey(), value});
          }
        }
      }
      if (hideRetryAfter) {
        headers.add(new String[] {"Retry-After", SDK_RETRY_AFTER});
      }
    }

    @Override
    public InputStream getContent() {
      return new ByteArrayInputStream(response.body());
    }

    @Override
    public String getContentEncoding() {
      return response.headers().firstValue("content-encoding").orElse(null);
    }

    @Override
    public long getContentLength() {
      return response.body().length;
    }

    @Override
    public String getContentType() {
      return response.headers().firstValue("content-type").orElse(null);
    }

    @Override
    public String getStatusLine() {
      return "HTTP/1.1 " + response.statusCode();
    }

    @Override
    public int getStatusCode() {
      return response.statusCode();
    }

    @Override
    public String getReasonPhrase() {
      return null;
    }

    @Override
    public int getHeaderCount() {
      return headers.size();
    }

    @Override
    public String getHeaderName(int index) {
      return headers.get(index)[0];
    }

    @Override
    public String getHeaderValue(int index) {
      return headers.get(index)[1];
    }
  }
}
