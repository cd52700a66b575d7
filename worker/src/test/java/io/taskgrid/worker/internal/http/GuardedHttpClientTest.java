package io.taskgrid.worker.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against real HTTP servers on loopback, with the policy under test in charge. */
class GuardedHttpClientTest {
  private TestHttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    server = new TestHttpServer();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void get_loopbackByDefault_refusedBeforeConnecting() {
    assertThatThrownBy(() -> get(HttpEgressPolicy.defaults(), server.url("/hello")))
        .isInstanceOf(HttpGetException.class)
        .hasMessage(
            "refused "
                + server.url("/hello")
                + ": 127.0.0.1:"
                + server.port()
                + " is a loopback address; a worker operator can allow it with --http-allow");
  }

  @Test
  void get_metadataAddress_refused() {
    assertThatThrownBy(() -> get(HttpEgressPolicy.defaults(), "http://169.254.169.254/latest/"))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("169.254.169.254:80 is a link-local address");
  }

  @Test
  void get_decimalFormOfLoopback_refused() {
    assertThatThrownBy(() -> get(allowing("127.0.0.0/8"), "http://2130706433/"))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("'2130706433' is a non-canonical numeric form of 127.0.0.1");
  }

  @Test
  void get_ipv6MappedLoopback_refused() {
    assertThatThrownBy(
            () -> get(HttpEgressPolicy.defaults(), "http://[::ffff:127.0.0.1]:" + server.port()))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("is a loopback address");
  }

  @Test
  void get_allowListedAddressAndPort_fetchesTheBody() throws Exception {
    GuardedHttpClient.Response r =
        get(allowing("127.0.0.1:" + server.port()), server.url("/hello"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hi there");
    assertThat(r.charset()).isEqualTo("utf-8");
  }

  @Test
  void get_allowListedAddressOtherPort_refused() {
    assertThatThrownBy(() -> get(allowing("127.0.0.1:1"), server.url("/hello")))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("is a loopback address");
  }

  @Test
  void get_redirectToAnotherLoopbackPort_refusedAtTheHop() throws Exception {
    try (TestHttpServer other = new TestHttpServer()) {
      server.redirect("/jump", 302, other.url("/hello"));

      assertThatThrownBy(() -> get(allowing("127.0.0.1:" + server.port()), server.url("/jump")))
          .isInstanceOf(HttpGetException.class)
          .hasMessageStartingWith("refused redirect 1 to " + other.url("/hello"))
          .hasMessageContaining("127.0.0.1:" + other.port() + " is a loopback address");
    }
  }

  @Test
  void get_allowedRelativeRedirect_followed() throws Exception {
    server.redirect("/old", 301, "/hello");

    GuardedHttpClient.Response r = get(allowing("127.0.0.1:" + server.port()), server.url("/old"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.uri()).isEqualTo(URI.create(server.url("/hello")));
  }

  @Test
  void get_redirectLoop_stopsAfterTheLimit() {
    server.redirect("/loop", 307, "/loop");

    assertThatThrownBy(() -> get(allowing("127.0.0.1:" + server.port()), server.url("/loop")))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("too many redirects (more than 5)");
  }

  @Test
  void get_hostResolvingToAPublicAndALoopbackAddress_refused() {
    Resolver rebinding = table(Map.of("mixed.test", List.of("93.184.216.34", "127.0.0.1")));
    GuardedHttpClient client =
        new GuardedHttpClient(HttpEgressPolicy.defaults(), Clock.systemUTC(), rebinding);

    assertThatThrownBy(
            () ->
                client.get(
                    URI.create("http://mixed.test:" + server.port() + "/hello"),
                    new GuardedHttpClient.Exchange()))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("mixed.test (127.0.0.1):" + server.port() + " is a loopback");
  }

  @Test
  void get_hostName_connectsToTheCheckedAddressWithoutResolvingAgain() throws Exception {
    // "site.test" exists only in this resolver: if the client resolved the name a second time
    // (the system resolver, at connect), the request would fail.
    Resolver resolver = table(Map.of("site.test", List.of("127.0.0.1")));
    GuardedHttpClient client =
        new GuardedHttpClient(allowing("127.0.0.1:" + server.port()), Clock.systemUTC(), resolver);
    server.route(
        "/host",
        exchange ->
            TestHttpServer.text(exchange, 200, exchange.getRequestHeaders().getFirst("Host")));

    GuardedHttpClient.Response r =
        client.get(
            URI.create("http://site.test:" + server.port() + "/host"),
            new GuardedHttpClient.Exchange());

    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .isEqualTo("site.test:" + server.port());
  }

  @Test
  void get_100MiBChunkedBody_failsWithASizeErrorAfterTheLimit() {
    server.generated("/huge", 100L << 20);

    assertThatThrownBy(() -> get(allowing("127.0.0.1:" + server.port()), server.url("/huge")))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("is larger than 4194304 bytes")
        .hasMessageContaining("--http-max-body-bytes");
  }

  @Test
  void get_declaredLengthOverTheLimit_failsBeforeReadingTheBody() {
    server.route(
        "/declared",
        exchange -> {
          exchange.sendResponseHeaders(200, 100L << 20);
          // Flushed before the close: JDK 25's server drops a connection whose fixed-length body
          // is cut short without sending its buffered head, and the head is what is checked.
          exchange.getResponseBody().write('x');
          exchange.getResponseBody().flush();
          exchange.close();
        });
    HttpEgressPolicy policy =
        HttpEgressPolicy.of(List.of("127.0.0.1:" + server.port()), 1024, Duration.ofSeconds(30));

    assertThatThrownBy(() -> get(policy, server.url("/declared")))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("is larger than 1024 bytes (Content-Length 104857600)");
  }

  @Test
  void get_bodyOfExactlyTheLimit_accepted() throws Exception {
    server.generated("/exact", 1024);
    HttpEgressPolicy policy =
        HttpEgressPolicy.of(List.of("127.0.0.1:" + server.port()), 1024, Duration.ofSeconds(30));

    assertThat(get(policy, server.url("/exact")).body()).hasSize(1024);
  }

  @Test
  void get_serverTricklingOneBytePerInterval_cutAtTheWholeExchangeTimeout() {
    server.trickle("/slow", 100);
    HttpEgressPolicy policy =
        HttpEgressPolicy.of(
            List.of("127.0.0.1:" + server.port()), 1L << 20, Duration.ofMillis(1_000));

    assertThatThrownBy(() -> get(policy, server.url("/slow")))
        .isInstanceOf(HttpGetException.class)
        .hasMessageContaining("timed out after 1000 ms (the whole exchange");
  }

  @Test
  void get_unknownHost_failsNamingIt() {
    Resolver none =
        host -> {
          throw new UnknownHostException(host);
        };
    GuardedHttpClient client =
        new GuardedHttpClient(HttpEgressPolicy.defaults(), Clock.systemUTC(), none);

    assertThatThrownBy(
            () -> client.get(URI.create("http://nowhere.test/"), new GuardedHttpClient.Exchange()))
        .isInstanceOf(HttpGetException.class)
        .hasMessage("unknown host nowhere.test");
  }

  private static HttpEgressPolicy allowing(String... rules) {
    return HttpEgressPolicy.of(
        List.of(rules), HttpEgressPolicy.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(30));
  }

  private static GuardedHttpClient.Response get(HttpEgressPolicy policy, String url)
      throws Exception {
    return new GuardedHttpClient(policy, Clock.systemUTC(), Resolver.SYSTEM)
        .get(URI.create(url), new GuardedHttpClient.Exchange());
  }

  private static Resolver table(Map<String, List<String>> names) {
    return host -> {
      List<String> addresses = names.get(host);
      if (addresses == null) {
        throw new UnknownHostException(host);
      }
      List<InetAddress> resolved = new java.util.ArrayList<>();
      for (String a : addresses) {
        resolved.add(InetAddress.getByName(a));
      }
      return resolved;
    };
  }
}
