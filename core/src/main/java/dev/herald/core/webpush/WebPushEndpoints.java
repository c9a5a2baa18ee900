package dev.herald.core.webpush;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Web Push endpoints Herald will send to: {@code https} on port 443 of a public host name —
 * no IP literal, no name that is local by convention ({@code localhost}, {@code .local}, {@code
 * .internal} …), and a name whose addresses are all public ({@link PublicAddresses}). The form is
 * checked when a subscription is registered; the addresses are checked at registration and again at
 * every send, on the very addresses the connection is then made to (so a name that re-binds to an
 * internal address after registration is refused too). Redirects are never followed (the sender's
 * job; see the dispatcher's web push client).
 */
public final class WebPushEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(WebPushEndpoints.class);
  public static final String PREFIX = "https://";
  public static final int MAX_LENGTH = 2048;

  /**
   * The longest a registration waits for DNS; a name that does not answer by then is left to the
   * send.
   */
  static final Duration REGISTRATION_LOOKUP = Duration.ofSeconds(2);

  private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

  /**
   * A top-level domain is letters (or an IDN's A-label): this rules out every numeric IPv4
   * spelling.
   */
  private static final Pattern TLD = Pattern.compile("^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$");

  /** Top-level names that are local, reserved or never on the public DNS. */
  private static final Set<String> LOCAL_TLDS =
      Set.of(
          "localhost",
          "local",
          "localdomain",
          "internal",
          "intranet",
          "lan",
          "home",
          "corp",
          "private",
          "arpa",
          "onion",
          "test",
          "invalid",
          "example");

  private final HostResolver resolver;
  private final LoopbackAllowance allowance;

  private WebPushEndpoints(HostResolver resolver, LoopbackAllowance allowance) {
    this.resolver = resolver;
    this.allowance = allowance;
  }

  /** Public hosts only, resolved by the system: what production runs with. */
  public static WebPushEndpoints publicOnly() {
    return new WebPushEndpoints(HostResolver.SYSTEM, LoopbackAllowance.NONE);
  }

  /** Public hosts only, resolved by {@code resolver} (tests give a fixed table). */
  public static WebPushEndpoints resolvingWith(HostResolver resolver) {
    return new WebPushEndpoints(resolver, LoopbackAllowance.NONE);
  }

  /** These rules plus {@code allowance}'s loopback simulator: the sandbox and tests only. */
  public WebPushEndpoints allowing(LoopbackAllowance allowance) {
    if (!allowance.isEmpty()) {
      LOG.warn(
          "web push endpoints on localhost ports {} are allowed: a sandbox or test setting, never production",
          allowance.ports());
    }
    return new WebPushEndpoints(resolver, allowance);
  }

  public LoopbackAllowance allowance() {
    return allowance;
  }

  /**
   * Whether a push address is a Web Push endpoint, rather than an FCM registration or APNs token.
   */
  public static boolean isEndpoint(String address) {
    return address != null && address.startsWith(PREFIX);
  }

  /**
   * Why {@code endpoint} cannot be a subscription's, judged by its form alone; empty when it can.
   */
  public Optional<String> formProblem(String endpoint) {
    if (endpoint == null || endpoint.length() > MAX_LENGTH) {
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    if (!endpoint.startsWith(PREFIX)) {
      return Optional.of("must be an https URL");
    }
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      return Optional.of("must be a valid URL");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return Optional.of("must not carry user information or a fragment");
    }
    String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    if (host == null) {
      return Optional.of("must name a host");
    }
    if (allowance.allows(host, uri.getPort())) {
      return Optional.empty();
    }
    if (host.startsWith("[") || host.contains(":")) {
      return Optional.of("must name its host, not an IP address");
    }
    Optional<String> name = hostNameProblem(host);
    if (name.isPresent()) {
      return name;
    }
    if (uri.getPort() != -1 && uri.getPort() != 443) {
      return Optional.of("must use the https port (443)");
    }
    return Optional.empty();
  }

  private static Optional<String> hostNameProblem(String host) {
    if (host.length() > 253) {
      return Optional.of("must name a valid host");
    }
    String[] labels = host.split("\\.", -1);
    String tld = labels[labels.length - 1];
    if (!TLD.matcher(tld).matches()) {
      return Optional.of("must name its host, not an IP address");
    }
    if (labels.length < 2 || LOCAL_TLDS.contains(tld)) {
      return Optional.of(
          "must name a public host (not localhost, .local, .internal or another local name)");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of("must name a valid host");
      }
    }
    return Optional.empty();
  }

  /**
   * Why a subscription with {@code endpoint} cannot be registered: its form, or a host whose
   * addresses are not all public now. A name that does not resolve (or not within a couple of
   * seconds) is accepted: DNS may be down for a moment, and every send checks again.
   */
  public Optional<String> registrationProblem(String endpoint) {
    Optional<String> form = formProblem(endpoint);
    if (form.isPresent()) {
      return form;
    }
    String host = URI.create(endpoint).getHost().toLowerCase(Locale.ROOT);
    if (LoopbackAllowance.HOST.equals(host)) {
      return Optional.empty(); // only the allowance lets localhost this far
    }
    CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("web-push-lookup")
        .start(
            () -> {
              try {
                lookup.complete(resolver.resolve(host));
              } catch (Exception e) {
                lookup.completeExceptionally(e);
              }
            });
    try {
      return refusal(lookup.get(REGISTRATION_LOOKUP.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The addresses a send to {@code host} may connect to: every address the name has now, each of
   * them public. An {@link EndpointRefusedException} when any is not (an attacker's name may list a
   * public address beside an internal one); an {@link UnknownHostException} when it does not
   * resolve.
   */
  public InetAddress[] addressesFor(String host) throws UnknownHostException {
    String name = host.toLowerCase(Locale.ROOT);
    if (LoopbackAllowance.HOST.equals(name) && !allowance.isEmpty()) {
      return new InetAddress[] {InetAddress.getLoopbackAddress()};
    }
    if (hostNameProblem(name).isPresent()) {
      throw new EndpointRefusedException("the push endpoint's host is not a public host name");
    }
    InetAddress[] addresses = resolver.resolve(name);
    if (addresses == null || addresses.length == 0) {
      throw new UnknownHostException("the push endpoint's host has no address");
    }
    Optional<String> refusal = refusal(addresses);
    if (refusal.isPresent()) {
      throw new EndpointRefusedException("the push endpoint's host " + refusal.get());
    }
    return addresses;
  }

  private static Optional<String> refusal(InetAddress[] addresses) {
    if (addresses == null || addresses.length == 0) {
      return Optional.empty();
    }
    for (InetAddress address : addresses) {
      if (!PublicAddresses.isPublic(address)) {
        return Optional.of(
            "resolves to a loopback, private, link-local or otherwise non-public address");
      }
    }
    return Optional.empty();
  }
}
