package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CodecsTest {
  @Test
  void longs_encodedValue_readableAsBigInteger() {
    byte[] bytes = Codecs.longs().encode(Long.MAX_VALUE);

    assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("9223372036854775807");
    assertThat(Codecs.bigInteger().decode(bytes)).isEqualTo(BigInteger.valueOf(Long.MAX_VALUE));
    assertThat(Codecs.longs().decode(Codecs.bigInteger().encode(BigInteger.valueOf(-42))))
        .isEqualTo(-42L);
  }

  @Test
  void bigInteger_beyondLong_roundTrips() {
    BigInteger big = new BigInteger("333333283333335000000");

    assertThat(Codecs.bigInteger().decode(Codecs.bigInteger().encode(big))).isEqualTo(big);
  }

  @Test
  void longs_notANumber_throwsIllegalArgument() {
    assertThatThrownBy(() -> Codecs.longs().decode("12x".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("12x");
  }

  @Test
  void string_unicode_roundTrips() {
    String text = "héllo – 世界";

    assertThat(Codecs.string().decode(Codecs.string().encode(text))).isEqualTo(text);
  }

  @Test
  void json_record_roundTripsAndIgnoresUnknownFields() {
    HttpResult result = new HttpResult("http://x/", 404, "nope");

    assertThat(Codecs.json(HttpResult.class).decode(Codecs.json(HttpResult.class).encode(result)))
        .isEqualTo(result);
    byte[] newer =
        "{\"url\":\"u\",\"status\":200,\"body\":\"b\",\"extra\":1}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(Codecs.json(HttpResult.class).decode(newer))
        .isEqualTo(new HttpResult("u", 200, "b"));
  }

  @Test
  void bytes_passThrough_unchanged() {
    byte[] raw = {0, 1, (byte) 255};

    assertThat(Codecs.bytes().decode(Codecs.bytes().encode(raw))).containsExactly(0, 1, 255);
  }

  @Test
  void protobuf_message_roundTripsAndRejectsGarbage() {
    com.google.protobuf.StringValue value = com.google.protobuf.StringValue.of("hi");
    Codec<com.google.protobuf.StringValue> codec =
        Codecs.protobuf(com.google.protobuf.StringValue.parser());

    assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
    assertThat(codec.contentType()).isEqualTo(Codecs.PROTOBUF);
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xff}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
