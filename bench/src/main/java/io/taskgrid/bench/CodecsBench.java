package io.taskgrid.bench;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.client.HttpResult;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Encode + decode of one value with each of the SDK's codecs (per round trip). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecsBench {
  private final Codec<Long> longs = Codecs.longs();
  private final Codec<BigInteger> bigs = Codecs.bigInteger();
  private final Codec<String> strings = Codecs.string();
  private final Codec<byte[]> bytes = Codecs.bytes();
  private final Codec<HttpResult> json = Codecs.json(HttpResult.class);

  private final BigInteger big = new BigInteger("333333283333335000000");
  private final String text = "https://example.invalid/page/42";
  private final byte[] raw = new byte[64];
  private final HttpResult page = new HttpResult("http://127.0.0.1/a", 200, "<html>hello</html>");

  @Benchmark
  public Long longRoundTrip() {
    return longs.decode(longs.encode(1000L));
  }

  @Benchmark
  public BigInteger bigIntegerRoundTrip() {
    return bigs.decode(bigs.encode(big));
  }

  @Benchmark
  public String stringRoundTrip() {
    return strings.decode(strings.encode(text));
  }

  @Benchmark
  public byte[] bytesRoundTrip() {
    return bytes.decode(bytes.encode(raw));
  }

  @Benchmark
  public HttpResult jsonRoundTrip() {
    return json.decode(json.encode(page));
  }
}
