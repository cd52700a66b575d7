package io.taskgrid.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Keys typed while a live view refreshes, read without blocking the refresh: {@link #next} waits at
 * most the refresh interval.
 */
interface KeySource extends AutoCloseable {
  /** What {@link #next} returns when no key came in time. */
  int TIMEOUT = -2;

  /** What {@link #next} returns once the input has ended (EOF): the view should end too. */
  int EOF = -1;

  /** The next key, {@link #TIMEOUT} or {@link #EOF}. */
  int next(long timeoutMillis) throws InterruptedException, IOException;

  @Override
  void close();

  /**
   * The keys of this process's terminal, one key at a time (raw mode, so {@code q} needs no Enter);
   * the terminal is restored on close.
   */
  static KeySource terminal() throws IOException {
    Terminal terminal = TerminalBuilder.builder().system(true).build();
    Attributes saved = terminal.enterRawMode();
    return new KeySource() {
      @Override
      public int next(long timeoutMillis) throws IOException {
        int c = terminal.reader().read(timeoutMillis);
        return c == org.jline.utils.NonBlockingReader.READ_EXPIRED ? TIMEOUT : c;
      }

      @Override
      public void close() {
        terminal.setAttributes(saved);
        try {
          terminal.close();
        } catch (IOException e) {
          // The terminal is gone already: nothing to restore.
        }
      }
    };
  }

  /**
   * The bytes of a stream (a pipe, a test's input), read by a daemon thread so that waiting for
   * them never blocks the refresh.
   */
  static KeySource stream(InputStream in) {
    BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                int c;
                while ((c = in.read()) >= 0) {
                  keys.add(c);
                }
              } catch (IOException e) {
                // A broken input ends the view like an EOF.
              }
              keys.add(EOF);
            },
            "taskgrid-top-keys");
    reader.setDaemon(true);
    reader.start();
    return new KeySource() {
      @Override
      public int next(long timeoutMillis) throws InterruptedException {
        Integer key = keys.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (key == null) {
          return TIMEOUT;
        }
        if (key == EOF) {
          keys.add(EOF); // stays ended for the next call
        }
        return key;
      }

      @Override
      public void close() {
        // The daemon reader ends with the stream or the process.
      }
    };
  }
}
