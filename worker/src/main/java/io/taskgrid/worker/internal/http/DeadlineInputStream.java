package io.taskgrid.worker.internal.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Reads from a socket without passing one deadline: before each read the socket's read timeout is
 * set to the time left, so a server that trickles one byte a second is cut at the deadline just
 * like one that sends nothing.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private final Deadline deadline;

  DeadlineInputStream(Socket socket, InputStream in, Deadline deadline) {
    super(in);
    this.socket = socket;
    this.deadline = deadline;
  }

  @Override
  public int read() throws IOException {
    arm();
    try {
      return super.read();
    } catch (SocketTimeoutException e) {
      throw deadline.expired(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    try {
      return super.read(b, off, len);
    } catch (SocketTimeoutException e) {
      throw deadline.expired(e);
    }
  }

  private void arm() throws IOException {
    socket.setSoTimeout(deadline.remainingMillis());
  }
}
