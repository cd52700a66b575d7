package io.taskgrid.cli.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessSampleTest {
  @Test
  void oldGenUsed_parallelGcHeapInfo_usedBytesOfParOldGen() {
    String heapInfo =
        """
        12345:
         PSYoungGen      total 611840K, used 41943K [0x00000000d5580000, 0x0000000100000000)
          eden space 524800K, 7% used [0x00000000d5580000,0x00000000d7e75c68,0x00000000f5600000)
         ParOldGen       total 1398272K, used 20517K [0x0000000080000000, 0x00000000d5580000)
          object space 1398272K, 1% used [0x0000000080000000,0x0000000081409680,0x00000000d5580000)
         Metaspace       used 38125K, committed 38656K, reserved 1114112K
        """;

    assertThat(ProcessSample.oldGenUsed(heapInfo)).isEqualTo(20517L * 1024);
  }

  @Test
  void oldGenUsed_anotherCollector_minusOne() {
    assertThat(ProcessSample.oldGenUsed(" garbage-first heap   total 262144K, used 1024K"))
        .isEqualTo(-1);
  }

  @Test
  void of_aChildJvm_countsThreadsAndFdsAndSeesALiveHeap() throws Exception {
    // A child, as the soak samples its coordinator and worker: a JVM asked through jcmd about
    // itself from inside surefire's fork never answered on JDK 25.
    Process child =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC",
                "-cp",
                System.getProperty("java.class.path"),
                UntilStdinCloses.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      // Started once it printed its line: jcmd needs a JVM that is up.
      assertThat(
              new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8)).readLine())
          .isEqualTo("up");

      ProcessSample s = ProcessSample.of("child", child.pid());

      assertThat(s.liveBytes()).isPositive();
      assertThat(s.threads()).isPositive();
      assertThat(s.fds()).isPositive();
      assertThat(s.rssBytes()).isPositive();
      assertThat(s.line()).startsWith("child live=");
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A JVM that lives until its parent closes its stdin. */
  static final class UntilStdinCloses {
    public static void main(String[] args) throws Exception {
      System.out.println("up");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Until end of input.
      }
    }
  }
}
