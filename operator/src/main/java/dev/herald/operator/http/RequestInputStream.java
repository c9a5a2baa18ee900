package dev.herald.operator.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request body as a blocking {@link InputStream} for a worker thread, with backpressure: the
 * request is paused while {@value #HIGH} chunks wait and resumed when the reader has caught up, so
 * a body of any size is read with bounded memory. More than {@code limit} bytes fail the read with
 * a 413 problem.
 */
final class RequestInputStream extends InputStream {
  static final int HIGH = 32;
  static final int LOW = 4;
  private static final Object END = new Object();

  private final HttpServerRequest request;
  private final Context context;
  private final long limit;
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final AtomicBoolean paused = new AtomicBoolean();
  private long received;
  private boolean failed;
  private Buffer current;
  private int position;
  private boolean ended;

  /** Starts reading {@code request}, which must be paused, on its context. */
  RequestInputStream(HttpServerRequest request, Context context, long limit) {
    this.request = request;
    this.context = context;
    this.limit = limit;
    request.handler(
        chunk -> {
          if (failed) {
            return;
          }
          received += chunk.length();
          if (received > limit) {
            failed = true;
            chunks.add(Problem.tooLarge());
            request.pause();
            return;
          }
          chunks.add(chunk);
          if (chunks.size() >= HIGH && paused.compareAndSet(false, true)) {
            request.pause();
          }
        });
    request.endHandler(v -> chunks.add(END));
    request.exceptionHandler(chunks::add);
    request.resume();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    while (current == null || position >= current.length()) {
      if (ended) {
        return -1;
      }
      Object next;
      try {
        next = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
      if (chunks.size() <= LOW && paused.compareAndSet(true, false)) {
        context.runOnContext(v -> request.resume());
      }
      if (next == END) {
        ended = true;
        return -1;
      }
      if (next instanceof Problem p) {
        throw p;
      }
      if (next instanceof Throwable t) {
        throw new IOException("the request body could not be read", t);
      }
      current = (Buffer) next;
      position = 0;
    }
    int n = Math.min(length, current.length() - position);
    current.getBytes(position, position + n, into, offset);
    position += n;
    return n;
  }
}
