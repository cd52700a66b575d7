package io.taskgrid.worker.internal;

import com.google.protobuf.ByteString;
import io.taskgrid.client.Codec;
import io.taskgrid.proto.v1.Payload;

/** Turns wire payloads into handler values and back, with a handler's codecs. */
public final class Payloads {
  private Payloads() {}

  /**
   * Decodes a task's input.
   *
   * @throws IllegalArgumentException if the bytes do not fit the codec
   */
  public static Object decode(Codec<?> codec, Payload payload) {
    if (codec instanceof RawPayloadCodec) {
      return new RawPayload(payload.getData().toByteArray(), payload.getContentType());
    }
    return codec.decode(payload.getData().toByteArray());
  }

  /** Encodes a handler's output. */
  @SuppressWarnings("unchecked") // The value came from the handler whose codec this is.
  public static Payload encode(Codec<?> codec, Object value) {
    if (value instanceof RawPayload) {
      RawPayload raw = (RawPayload) value;
      return Payload.newBuilder()
          .setData(ByteString.copyFrom(raw.data()))
          .setContentType(raw.contentType())
          .build();
    }
    byte[] bytes = ((Codec<Object>) codec).encode(value);
    return Payload.newBuilder()
        .setData(ByteString.copyFrom(bytes))
        .setContentType(codec.contentType())
        .build();
  }
}
