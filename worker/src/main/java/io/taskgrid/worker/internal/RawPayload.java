package io.taskgrid.worker.internal;

/**
 * A payload with its content type, for handlers (like {@code echo}) whose output keeps the input's
 * content type. Used with {@link RawPayloadCodec}, which the pools special-case.
 */
@SuppressWarnings("ArrayRecordComponent") // Payload bytes are passed through, never compared.
public record RawPayload(byte[] data, String contentType) {}
