package io.taskgrid.worker.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Host name to addresses; the system resolver in production, a fixed table in tests. */
@FunctionalInterface
public interface Resolver {
  /** The system resolver ({@link InetAddress#getAllByName}; literals are parsed, not looked up). */
  Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** Every address of {@code host}. */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
