package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The ready-made {@link Codec}s: raw bytes, UTF-8 strings, whole numbers, JSON and protobuf.
 *
 * <p>Numbers are encoded as decimal text ({@value #DECIMAL}) so that a {@code long} written by one
 * side can be read as a {@link BigInteger} by the other, and so that the CLI can pass them as plain
 * text.
 */
public final class Codecs {
  /** Content type of raw bytes. */
  public static final String OCTET_STREAM = "application/octet-stream";

  /** Content type of UTF-8 text. */
  public static final String TEXT = "text/plain; charset=utf-8";

  /** Content type of whole numbers written as decimal ASCII text. */
  public static final String DECIMAL = "text/x-taskgrid-decimal";

  /** Content type of protobuf messages (binary wire format). */
  public static final String PROTOBUF = "application/x-protobuf";

  /** Content type of JSON documents. */
  public static final String JSON = "application/json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Codec<byte[]> BYTES =
      new SimpleCodec<>(OCTET_STREAM) {
        @Override
        public byte[] encode(byte[] value) {
          return requireNonNull(value, "value");
        }

        @Override
        public byte[] decode(byte[] bytes) {
          return bytes;
        }
      };

  private static final Codec<String> STRING =
      new SimpleCodec<>(TEXT) {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
          return new String(bytes, StandardCharsets.UTF_8);
        }
      };

  private static final Codec<Long> LONG =
      new SimpleCodec<>(DECIMAL) {
        @Override
        public byte[] encode(Long value) {
          return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Long decode(byte[] bytes) {
          String text = decimalText(bytes);
          try {
            return Long.parseLong(text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a 64-bit whole number: '" + text + "'", e);
          }
        }
      };

  private static final Codec<BigInteger> BIG_INTEGER =
      new SimpleCodec<>(DECIMAL) {
        @Override
        public byte[] encode(BigInteger value) {
          return value.toString().getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public BigInteger decode(byte[] bytes) {
          String text = decimalText(bytes);
          try {
            return new BigInteger(text);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + text + "'", e);
          }
        }
      };

  private Codecs() {}

  /** Raw bytes, passed through unchanged. */
  public static Codec<byte[]> bytes() {
    return BYTES;
  }

  /** UTF-8 text. */
  public static Codec<String> string() {
    return STRING;
  }

  /** A {@code long} as decimal text. */
  public static Codec<Long> longs() {
    return LONG;
  }

  /** A {@link BigInteger} as decimal text (reads what {@link #longs()} writes, and back). */
  public static Codec<BigInteger> bigInteger() {
    return BIG_INTEGER;
  }

  /**
   * A record or POJO as JSON (Jackson). Unknown properties are ignored when reading, so that a
   * newer handler can add fields.
   */
  public static <T> Codec<T> json(Class<T> type) {
    requireNonNull(type, "type");
    return new SimpleCodec<>(JSON) {
      @Override
      public byte[] encode(T value) {
        try {
          return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot write " + type.getName() + " as JSON: " + e.getMessage(), e);
        }
      }

      @Override
      public T decode(byte[] bytes) {
        try {
          return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "not a JSON " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /** A protobuf message in its binary wire format, read with the message's parser. */
  public static <T extends MessageLite> Codec<T> protobuf(Parser<T> parser) {
    requireNonNull(parser, "parser");
    return new SimpleCodec<>(PROTOBUF) {
      @Override
      public byte[] encode(T value) {
        return value.toByteArray();
      }

      @Override
      public T decode(byte[] bytes) {
        try {
          return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalArgumentException("not a valid protobuf message: " + e.getMessage(), e);
        }
      }
    };
  }

  private static String decimalText(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII).trim();
  }

  private abstract static class SimpleCodec<T> implements Codec<T> {
    private final String contentType;

    SimpleCodec(String contentType) {
      this.contentType = contentType;
    }

    @Override
    public final String contentType() {
      return contentType;
    }

    @Override
    public String toString() {
      return "Codec[" + contentType + "]";
    }
  }
}
