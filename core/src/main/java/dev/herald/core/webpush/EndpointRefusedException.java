package dev.herald.core.webpush;

import java.net.UnknownHostException;

/**
 * A push endpoint's host resolved to an address Herald must not connect to. An {@link
 * UnknownHostException}, so that an HTTP client's resolver may throw it, but permanent: the
 * subscription points somewhere it must never go.
 */
public final class EndpointRefusedException extends UnknownHostException {
  public EndpointRefusedException(String message) {
    super(message);
  }
}
