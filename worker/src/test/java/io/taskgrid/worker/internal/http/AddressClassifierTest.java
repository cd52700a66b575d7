package io.taskgrid.worker.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The forms of address {@code http.get} refuses by default, and those it lets through. */
class AddressClassifierTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1        | loopback",
        "127.255.255.254  | loopback",
        "10.0.0.1         | private",
        "172.16.0.1       | private",
        "172.31.255.255   | private",
        "192.168.1.1      | private",
        "169.254.169.254  | link-local",
        "0.0.0.0          | unspecified",
        "0.1.2.3          | unspecified",
        "100.64.0.1       | carrier-grade NAT",
        "192.0.0.8        | IETF protocol",
        "192.0.2.1        | documentation",
        "198.18.0.1       | benchmarking",
        "224.0.0.1        | multicast",
        "239.255.255.250  | multicast",
        "240.0.0.1        | reserved",
        "255.255.255.255  | broadcast",
        "::1              | loopback",
        "::               | unspecified",
        "fe80::1          | link-local",
        "fec0::1          | site-local",
        "fc00::1          | unique local",
        "fd12:3456::1     | unique local",
        "ff02::1          | multicast",
        "2001:db8::1      | documentation",
        "::ffff:127.0.0.1 | loopback",
        "::ffff:a9fe:a9fe | link-local",
        "::127.0.0.1      | IPv4-compatible form of 127.0.0.1",
        "::8.8.8.8        | IPv4-compatible address (deprecated)",
        "2002:7f00:1::    | 6to4 form of 127.0.0.1",
        "2002:a00:1::     | 6to4 form of 10.0.0.1",
        "64:ff9b::7f00:1  | NAT64 form of 127.0.0.1",
        "64:ff9b::a9fe:a9fe | NAT64 form of 169.254.169.254",
      })
  void refusal_nonPublicAddress_namesWhy(String address, String why) throws Exception {
    assertThat(AddressClassifier.refusal(InetAddress.getByName(address)))
        .hasValueSatisfying(reason -> assertThat(reason).contains(why));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "8.8.8.8",
        "93.184.216.34",
        "1.1.1.1",
        "172.32.0.1",
        "172.15.255.255",
        "100.128.0.1",
        "169.253.0.1",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::200e",
        "2002:808:808::",
        "64:ff9b::808:808",
        "::ffff:8.8.8.8",
      })
  void refusal_publicUnicast_none(String address) throws Exception {
    assertThat(AddressClassifier.refusal(InetAddress.getByName(address))).isEmpty();
  }

  @ParameterizedTest(name = "{0} means {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2130706433      | 127.0.0.1",
        "0x7f000001      | 127.0.0.1",
        "0X7F000001      | 127.0.0.1",
        "017700000001    | 127.0.0.1",
        "0177.0.0.1      | 127.0.0.1",
        "0x7f.0.0.1      | 127.0.0.1",
        "127.1           | 127.0.0.1",
        "127.0.1         | 127.0.0.1",
        "0x7f.1          | 127.0.0.1",
        "2852039166      | 169.254.169.254",
        "0xa9.0xfe.0xa9.0xfe | 169.254.169.254",
        "10.010.0.1      | 10.8.0.1",
        "0               | 0.0.0.0",
        "134744072       | 8.8.8.8",
      })
  void numericHostProblem_nonCanonicalNumericForm_refusedNamingTheAddress(
      String host, String meaning) {
    assertThat(AddressClassifier.numericHostProblem(host))
        .hasValueSatisfying(
            why -> assertThat(why).contains("'" + host + "'").contains("form of " + meaning));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "8.8.8.8",
        "0.0.0.0",
        "example.com",
        "1example.com",
        "deadbeef.com",
        "a.b.c.d",
        "1.2.3.4.5",
        "4294967296",
        "256.1.1.1",
        "::1"
      })
  void numericHostProblem_canonicalOrNotAnAddress_none(String host) {
    assertThat(AddressClassifier.numericHostProblem(host)).isEmpty();
  }
}
