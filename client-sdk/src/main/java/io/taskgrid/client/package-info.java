/**
 * The Taskgrid client SDK: submit tasks to a cluster and compose the futures you get back.
 *
 * <p>Starting points: {@code TaskgridClient} to connect and submit, {@link Codecs} for payload
 * encodings.
 */
@NullMarked
package io.taskgrid.client;

import org.jspecify.annotations.NullMarked;
