package dev.herald.testkit.smtp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SmtpSettings;
import dev.herald.api.provider.SmtpSettings.Security;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.http.Faults;
import dev.herald.testkit.tls.TestCredentials;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A local SMTP relay for testing through the real Jakarta Mail client, on 127.0.0.1 and a free
 * port. GreenMail receives, stores and parses the mails; in front of it the simulator speaks what a
 * production relay does and GreenMail does not:
 *
 * <ul>
 *   <li>security as a DeliveryProvider's {@code spec.smtp.security}: STARTTLS offered and required
 *       before AUTH and MAIL ({@link Security#STARTTLS}), TLS from the first byte ({@link
 *       Security#TLS}), or none; the certificate is self-signed for {@code localhost} and {@code
 *       127.0.0.1}, made at start ({@link #caCertificatePem()} trusts it);
 *   <li>AUTH PLAIN and LOGIN with {@link #username()} and {@link #password()}, required before MAIL
 *       ({@link #withoutAuth()} for a relay that needs none), credentials that can be rotated
 *       ({@link #rotateCredentials});
 *   <li>scripted replies to RCPT TO per recipient ({@link SmtpAnswer}): a recipient whose local
 *       part names an answer ({@code user-unknown@...}) always gets it, others as scripted.
 * </ul>
 *
 * Everything else (MAIL FROM, DATA, RSET, NOOP, QUIT) is relayed to GreenMail and answered by it.
 *
 * <p>Thread-safe: each connection is served on a virtual thread of its own.
 */
public final class SmtpSimulator implements ProviderSimulator {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String NAME = "smtp-simulator.herald.test";

  private final Security security;
  private final GreenMail greenMail;
  private final ServerSocket server;
  private final KeyPair key = TestCredentials.p256();
  private final X509Certificate certificate = TestCredentials.selfSigned(key);
  private final SSLContext tls = TestCredentials.serverContext(key, certificate);
  private volatile String username;
  private volatile String password;
  private final Map<String, SmtpAnswer> byRecipient = new ConcurrentHashMap<>();
  private final Faults<SmtpAnswer> nextAnswers = new Faults<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger authentications = new AtomicInteger();
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  /** What one client connection did: its EHLO name, whether it ran TLS, who it authenticated as. */
  public record Session(String heloName, boolean tls, String authenticatedAs) {}

  private SmtpSimulator(Security security, boolean auth) {
    this.security = Objects.requireNonNull(security, "security");
    if (auth) {
      username = "herald-" + HexFormat.of().formatHex(bytes(4));
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(18));
    }
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    greenMail.start();
    try {
      ServerSocket socket =
          security == Security.TLS
              ? tls.getServerSocketFactory().createServerSocket()
              : new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      server = socket;
    } catch (IOException e) {
      greenMail.stop();
      throw new IllegalStateException("cannot listen for SMTP", e);
    }
    acceptor =
        Thread.ofPlatform()
            .daemon()
            .name("smtp-simulator-" + server.getLocalPort())
            .start(this::accept);
  }

  /** A relay that requires STARTTLS and AUTH, as most submission services do (port 587). */
  public static SmtpSimulator start() {
    return new SmtpSimulator(Security.STARTTLS, true);
  }

  /** A relay of that security, with AUTH. */
  public static SmtpSimulator start(Security security) {
    return new SmtpSimulator(security, true);
  }

  /** A relay of that security that takes mail without AUTH (a relay on a trusted network). */
  public static SmtpSimulator withoutAuth(Security security) {
    return new SmtpSimulator(security, false);
  }

  /** A relay that requires STARTTLS and takes mail without AUTH. */
  public static SmtpSimulator withoutAuth() {
    return withoutAuth(Security.STARTTLS);
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return server.getLocalPort();
  }

  public Security security() {
    return security;
  }

  /** The AUTH user it accepts, or null when it needs no AUTH. */
  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  /**
   * Its TLS certificate (self-signed), as PEM: what a Secret's {@code caCertificate} holds to trust
   * it.
   */
  public String caCertificatePem() {
    try {
      return TestCredentials.pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** From now on only these credentials are accepted; connections already authenticated stay so. */
  public SmtpSimulator rotateCredentials(String username, String password) {
    this.username = Objects.requireNonNull(username, "username");
    this.password = Objects.requireNonNull(password, "password");
    return this;
  }

  // ---- scripted answers ----------------------------------------------------------------------

  /**
   * Answers RCPT TO for {@code recipient} (case-insensitive) with {@code answer} until {@link
   * #reset()}.
   */
  public SmtpSimulator answer(String recipient, SmtpAnswer answer) {
    byRecipient.put(recipient.toLowerCase(Locale.ROOT), Objects.requireNonNull(answer, "answer"));
    return this;
  }

  /**
   * Answers the next {@code times} RCPT TO commands, whatever the recipient, with {@code answer}.
   */
  public SmtpSimulator answerNext(int times, SmtpAnswer answer) {
    nextAnswers.add(times, Objects.requireNonNull(answer, "answer"));
    return this;
  }

  /**
   * Closes every client connection now, as a relay restarting or timing idle connections out does.
   */
  public void dropConnections() {
    for (Socket s : List.copyOf(open)) {
      closeQuietly(s);
    }
  }

  // ---- what it saw ----------------------------------------------------------------------------

  /** The mails received, parsed, in order. */
  public List<MimeMessage> mails() {
    return Arrays.asList(greenMail.getReceivedMessages());
  }

  /** The mails with {@code address} among their To recipients (case-insensitive). */
  public List<MimeMessage> mailsTo(String address) {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : mails()) {
      try {
        var to = m.getRecipients(Message.RecipientType.TO);
        if (to != null
            && Arrays.stream(to)
                .anyMatch(
                    a ->
                        a instanceof InternetAddress ia
                            && ia.getAddress().equalsIgnoreCase(address))) {
          out.add(m);
        }
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** Client connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Client connections open now. */
  public int openConnections() {
    return open.size();
  }

  /** Successful AUTH commands so far. */
  public int authentications() {
    return authentications.get();
  }

  /**
   * Each connection's EHLO name, TLS and AUTH user, in the order they said EHLO (the latest after
   * STARTTLS).
   */
  public List<Session> sessions() {
    return List.copyOf(sessions);
  }

  /** Forgets mails, counts and scripted answers. */
  public void reset() {
    try {
      greenMail.purgeEmailFromAllMailboxes();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    byRecipient.clear();
    nextAnswers.clear();
    connections.set(0);
    authentications.set(0);
    sessions.clear();
  }

  // ---- ProviderSimulator ----------------------------------------------------------------------

  @Override
  public int accepted() {
    return mails().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.SMTP;
  }

  /** None: an smtp provider is pointed at it through {@code spec.smtp} ({@link #pointAt}). */
  @Override
  public String endpoint() {
    return null;
  }

  /**
   * {@code spec.smtp.host}, {@code port} and {@code security} set to this simulator's, the rest
   * kept.
   */
  @Override
  public void pointAt(DeliveryProviderSpec spec) {
    SmtpSettings s =
        spec.getSmtp() != null
            ? spec.getSmtp()
            : new SmtpSettings(null, null, null, "notifications@herald.example", null, null);
    spec.setSmtp(s.withServer(host(), port(), security));
    spec.setEndpoint(null);
  }

  /** {@code username} and {@code password} (when it requires AUTH) and {@code caCertificate}. */
  @Override
  public Map<String, String> credentials() {
    Map<String, String> values = new LinkedHashMap<>();
    if (username != null) {
      values.put("username", username);
      values.put("password", password);
    }
    if (security != Security.NONE) {
      values.put("caCertificate", caCertificatePem());
    }
    return values;
  }

  @Override
  public void close() {
    closeQuietly(server);
    dropConnections();
    greenMail.stop();
  }

  @Override
  public String toString() {
    return "SmtpSimulator[" + host() + ":" + port() + ", " + security.wireName() + "]";
  }

  // ---- the SMTP front -------------------------------------------------------------------------

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      open.add(client);
      Thread.ofVirtual()
          .name("smtp-session")
          .start(
              () -> {
                Conversation conversation = null;
                try {
                  conversation = new Conversation(client);
                  conversation.run();
                } catch (IOException | RuntimeException e) {
                  // the client went away, or was dropped on purpose
                } finally {
                  open.remove(client);
                  closeQuietly(client);
                  if (conversation != null) { // after STARTTLS: the TLS socket over the client's
                    open.remove(conversation.client);
                    closeQuietly(conversation.client);
                  }
                }
              });
    }
  }

  /** One client connection, and its own connection to GreenMail. */
  private final class Conversation {
    private Socket client;
    private InputStream in;
    private OutputStream out;
    private boolean secure;
    private String heloName;
    private String authenticated;
    private Session session;

    Conversation(Socket client) throws IOException {
      this.client = client;
      this.secure = security == Security.TLS;
      if (secure) {
        ((SSLSocket) client).startHandshake();
      }
      streams();
    }

    private void streams() throws IOException {
      in = new BufferedInputStream(client.getInputStream());
      out = client.getOutputStream();
    }

    void run() throws IOException {
      try (Socket backend =
          new Socket(InetAddress.getLoopbackAddress(), greenMail.getSmtp().getPort())) {
        InputStream bin = new BufferedInputStream(backend.getInputStream());
        OutputStream bout = backend.getOutputStream();
        readReply(bin); // GreenMail's greeting
        reply("220 " + NAME + " ESMTP Herald's SMTP simulator");
        String line;
        while ((line = readLine(in)) != null) {
          String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
          switch (verb) {
            case "EHLO", "HELO" -> {
              heloName = line.length() > 5 ? line.substring(5).strip() : "";
              authenticated = null;
              forward(bout, bin, "HELO " + (heloName.isEmpty() ? "client" : heloName));
              session = new Session(heloName, secure, null);
              sessions.add(session);
              reply(verb.equals("HELO") ? "250 " + NAME : ehlo());
            }
            case "STAR" -> startTls(line);
            case "AUTH" -> auth(line);
            case "MAIL" -> {
              String refusal = refusalBeforeMail();
              if (refusal != null) {
                reply(refusal);
              } else {
                reply(forward(bout, bin, line));
              }
            }
            case "RCPT" -> {
              if (!rcpt(line, bout, bin)) {
                return;
              }
            }
            case "DATA" -> data(bout, bin);
            case "RSET", "NOOP" -> reply(forward(bout, bin, line));
            case "QUIT" -> {
              forward(bout, bin, "QUIT");
              reply("221 2.0.0 Bye");
              return;
            }
            default -> reply("502 5.5.1 Command not implemented");
          }
        }
      }
    }

    private String ehlo() {
      List<String> lines = new ArrayList<>();
      lines.add(NAME + " greets " + heloName);
      lines.add("ENHANCEDSTATUSCODES");
      lines.add("SIZE 10485760");
      if (security == Security.STARTTLS && !secure) {
        lines.add("STARTTLS");
      }
      if (username != null && (secure || security == Security.NONE)) {
        lines.add("AUTH PLAIN LOGIN");
      }
      StringBuilder reply = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        reply.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
        if (i < lines.size() - 1) {
          reply.append("\r\n");
        }
      }
      return reply.toString();
    }

    private void startTls(String line) throws IOException {
      if (!line.equalsIgnoreCase("STARTTLS")) {
        reply("502 5.5.1 Command not implemented");
        return;
      }
      if (security != Security.STARTTLS || secure) {
        reply("503 5.5.1 STARTTLS not offered");
        return;
      }
      reply("220 2.0.0 Ready to start TLS");
      SSLSocket upgraded =
          (SSLSocket) tls.getSocketFactory().createSocket(client, host(), port(), true);
      upgraded.setUseClientMode(false);
      upgraded
          .startHandshake(); // a client that does not trust the certificate ends the conversation
      // here
      open.remove(client);
      client = upgraded;
      open.add(client);
      secure = true;
      heloName = null;
      authenticated = null;
      streams();
    }

    private void auth(String line) throws IOException {
      if (username == null) {
        reply("503 5.5.1 AUTH not offered");
        return;
      }
      if (security == Security.STARTTLS && !secure) {
        reply("530 5.7.0 Must issue a STARTTLS command first");
        return;
      }
      String[] parts = line.split(" ");
      String mechanism = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
      String user;
      String pass;
      switch (mechanism) {
        case "PLAIN" -> {
          String encoded = parts.length > 2 ? parts[2] : challenge("");
          String[] fields = decode(encoded).split("\u0000", -1);
          if (fields.length != 3) {
            reply("501 5.5.2 Cannot decode AUTH PLAIN response");
            return;
          }
          user = fields[1];
          pass = fields[2];
        }
        case "LOGIN" -> {
          user = decode(parts.length > 2 ? parts[2] : challenge(b64("Username:")));
          pass = decode(challenge(b64("Password:")));
        }
        default -> {
          reply("504 5.5.4 Unrecognized authentication type");
          return;
        }
      }
      if (user.equals(username) && pass.equals(password)) {
        authenticated = user;
        authentications.incrementAndGet();
        sessions.remove(session);
        session = new Session(heloName, secure, user);
        sessions.add(session);
        reply("235 2.7.0 Authentication successful");
      } else {
        reply("535 5.7.8 Authentication credentials invalid");
      }
    }

    private String challenge(String prompt) throws IOException {
      reply("334 " + prompt);
      String answer = readLine(in);
      if (answer == null) {
        throw new IOException("client gone during AUTH");
      }
      return answer;
    }

    private String refusalBeforeMail() {
      if (security == Security.STARTTLS && !secure) {
        return "530 5.7.0 Must issue a STARTTLS command first";
      }
      if (username != null && authenticated == null) {
        return "530 5.7.0 Authentication required";
      }
      return null;
    }

    /** False when the conversation ends here (a scripted drop or shutdown). */
    private boolean rcpt(String line, OutputStream bout, InputStream bin) throws IOException {
      int lt = line.indexOf('<');
      int gt = line.indexOf('>', lt + 1);
      String recipient = lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : "";
      SmtpAnswer answer = answerFor(recipient);
      if (answer == null) {
        reply(forward(bout, bin, line));
        return true;
      }
      if (answer == SmtpAnswer.HANG) {
        while (in.read() != -1) {
          // say nothing until the client gives up and closes
        }
        return false;
      }
      String text = answer.line(recipient);
      if (text != null) {
        reply(text);
      }
      return !answer.closes();
    }

    private SmtpAnswer answerFor(String recipient) {
      String r = recipient.toLowerCase(Locale.ROOT);
      SmtpAnswer scripted = byRecipient.get(r);
      if (scripted != null) {
        return scripted;
      }
      SmtpAnswer next = nextAnswers.next();
      if (next != null) {
        return next;
      }
      int at = r.indexOf('@');
      String local = at < 0 ? r : r.substring(0, at);
      for (SmtpAnswer a : SmtpAnswer.values()) {
        if (a.localPart().equals(local)) {
          return a;
        }
      }
      return null;
    }

    private void data(OutputStream bout, InputStream bin) throws IOException {
      String start = forward(bout, bin, "DATA");
      reply(start);
      if (!start.startsWith("354")) {
        return;
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        byte[] raw = readRawLine(in);
        if (raw == null) {
          throw new IOException("client gone during DATA");
        }
        body.write(raw);
        if (raw.length == 3 && raw[0] == '.' && raw[1] == '\r' && raw[2] == '\n') {
          break;
        }
      }
      bout.write(body.toByteArray());
      bout.flush();
      reply(readReply(bin));
    }

    private void reply(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }

  /** Sends one command to GreenMail and returns its whole reply. */
  private static String forward(OutputStream bout, InputStream bin, String line)
      throws IOException {
    bout.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    bout.flush();
    return readReply(bin);
  }

  private static String readReply(InputStream in) throws IOException {
    StringBuilder reply = new StringBuilder();
    while (true) {
      String line = readLine(in);
      if (line == null) {
        throw new IOException("GreenMail closed the connection");
      }
      reply.append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return reply.toString();
      }
      reply.append("\r\n");
    }
  }

  private static String readLine(InputStream in) throws IOException {
    byte[] raw = readRawLine(in);
    if (raw == null) {
      return null;
    }
    int end = raw.length;
    while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
      end--;
    }
    return new String(raw, 0, end, StandardCharsets.ISO_8859_1);
  }

  /** One line with its line end, or null at the end of the stream. */
  private static byte[] readRawLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = in.read()) != -1) {
      line.write(b);
      if (b == '\n') {
        return line.toByteArray();
      }
    }
    return line.size() == 0 ? null : line.toByteArray();
  }

  private static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
