package dev.herald.testkit.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One Vert.x request seen as the JDK server's {@link HttpExchange}, so that the simulators keep
 * their handlers while a server that takes thousands of concurrent clients serves them. The body
 * has been read in full before the handler runs; the answer is collected and written when the
 * exchange closes. An exchange closed before any status was sent drops the connection unanswered,
 * and one that announced a longer body than it wrote sends what it wrote and then drops the
 * connection (as the JDK server does).
 */
final class VertxExchange extends HttpExchange {
  private final HttpServerRequest request;
  private final Context context;
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private final Map<String, Object> attributes = new HashMap<>();
  private InputStream in;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private OutputStream out =
      new OutputStream() {
        @Override
        public void write(int b) {
          written.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          written.write(b, off, len);
        }

        @Override
        public void close() {
          VertxExchange.this.close();
        }
      };
  private int status = -1;
  private long declaredLength;
  private boolean closed;

  VertxExchange(HttpServerRequest request, Buffer body, Context context) {
    this.request = request;
    this.context = context;
    this.in = new ByteArrayInputStream(body.getBytes());
    request.headers().forEach(e -> requestHeaders.add(e.getKey(), e.getValue()));
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return URI.create(request.uri());
  }

  @Override
  public String getRequestMethod() {
    return request.method().name();
  }

  @Override
  public HttpContext getHttpContext() {
    return null;
  }

  @Override
  public InputStream getRequestBody() {
    return in;
  }

  @Override
  public OutputStream getResponseBody() {
    return out;
  }

  @Override
  public synchronized void sendResponseHeaders(int rCode, long responseLength) {
    if (status >= 0) {
      throw new IllegalStateException("headers already sent");
    }
    status = rCode;
    declaredLength = responseLength;
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return new InetSocketAddress(request.remoteAddress().host(), request.remoteAddress().port());
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return new InetSocketAddress(request.localAddress().host(), request.localAddress().port());
  }

  @Override
  public String getProtocol() {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
    };
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {
    if (i != null) {
      in = i;
    }
    if (o != null) {
      out = o;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  /** Writes the collected answer (or drops the connection, see the class comment). Idempotent. */
  @Override
  public void close() {
    int code;
    long declared;
    Buffer body;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      code = status;
      declared = declaredLength;
      body = Buffer.buffer(written.toByteArray());
    }
    context.runOnContext(v -> answer(code, declared, body));
  }

  /** Drops the connection without an answer (the handler failed, or the server is closing). */
  void abort() {
    synchronized (this) {
      closed = true;
    }
    context.runOnContext(v -> request.connection().close());
  }

  private void answer(int code, long declared, Buffer body) {
    if (code < 0) {
      request.connection().close();
      return;
    }
    HttpServerResponse response = request.response().setStatusCode(code);
    responseHeaders.forEach((name, values) -> response.putHeader(name, values));
    if (declared > 0 && body.length() < declared) {
      response.putHeader("Content-Length", Long.toString(declared));
      response.write(body);
      request.connection().close();
      return;
    }
    response.end(body);
  }
}
