package io.taskgrid.worker.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code --http-allow} entry forms. */
class EgressRuleTest {
  @ParameterizedTest(name = "{0} allows {1}:{2} = {3}")
  @CsvSource({
    "127.0.0.1:8080, 127.0.0.1, 8080, true",
    "127.0.0.1:8080, 127.0.0.1, 8081, false",
    "127.0.0.1:8080, 127.0.0.2, 8080, false",
    "127.0.0.1, 127.0.0.1, 1, true",
    "10.0.0.0/8, 10.200.3.4, 443, true",
    "10.0.0.0/8, 11.0.0.1, 443, false",
    "172.16.0.0/12, 172.31.0.1, 80, true",
    "172.16.0.0/12, 172.32.0.1, 80, false",
    "0.0.0.0/0, 169.254.169.254, 80, true",
    "[::1]:8080, ::1, 8080, true",
    "[::1]:8080, ::1, 80, false",
    "fd00::/8, fd12::1, 80, true",
    "fd00::/8, fe80::1, 80, false",
    "127.0.0.1:8080, ::ffff:127.0.0.1, 8080, true",
  })
  void allows_table(String rule, String address, int port, boolean allowed) throws Exception {
    assertThat(EgressRule.parse(rule).allows(InetAddress.getByName(address), port))
        .isEqualTo(allowed);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:8080", "example.com", "127.0.0.1:0", "127.0.0.1:70000", "10.0.0.0/33",
        "fd00::/129", "300.1.1.1", "127.1", "", "127.0.0.1:http"
      })
  void parse_invalid_rejectedNamingTheEntryAndForms(String rule) {
    assertThatThrownBy(() -> EgressRule.parse(rule))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("httpAllow: '" + rule + "'")
        .hasMessageContaining("expected: ADDRESS, ADDRESS:PORT, [IPv6]:PORT or CIDR");
  }

  @Test
  void toString_eachForm_readsBackAsWritten() {
    assertThat(EgressRule.parse("127.0.0.1:8080")).hasToString("127.0.0.1:8080");
    assertThat(EgressRule.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
    assertThat(EgressRule.parse("10.1.2.3")).hasToString("10.1.2.3");
  }
}
