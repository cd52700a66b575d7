package io.taskgrid.examples;

/**
 * A task input (and the I/O handler's output), sent as JSON by {@code Codecs.json(Document.class)}.
 *
 * @param id the document's name
 * @param text its text
 */
public record Document(String id, String text) {}
