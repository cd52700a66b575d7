package io.taskgrid.worker.internal;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;

/**
 * The codec of {@link RawPayload}. The pools read and write the content type themselves when a
 * handler uses this codec; {@link #encode}/{@link #decode} alone keep the bytes only.
 */
public final class RawPayloadCodec implements Codec<RawPayload> {
  /** The one instance. */
  public static final RawPayloadCodec INSTANCE = new RawPayloadCodec();

  private RawPayloadCodec() {}

  @Override
  public String contentType() {
    return Codecs.OCTET_STREAM;
  }

  @Override
  public byte[] encode(RawPayload value) {
    return value.data();
  }

  @Override
  public RawPayload decode(byte[] bytes) {
    return new RawPayload(bytes, Codecs.OCTET_STREAM);
  }
}
