/**
 * The {@code taskgrid} command line: {@code local}, {@code coordinator}, {@code worker} and {@code
 * demo}. No compatibility guarantees: this is an internal package.
 *
 * <p>Starting points: {@link io.taskgrid.cli.internal.TaskgridCli} (the entry point), {@link
 * io.taskgrid.cli.internal.DemoCommand}.
 */
@NullMarked
package io.taskgrid.cli.internal;

import org.jspecify.annotations.NullMarked;
