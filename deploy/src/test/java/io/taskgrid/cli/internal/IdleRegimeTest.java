package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdleRegimeTest {
  @TempDir Path sys;

  @Test
  void kvmGuestWithPollingOff_haltsAtOnce_andSaysWhatThatCosts() throws IOException {
    write("devices/system/cpu/cpuidle/current_driver", "haltpoll\n");
    write("module/haltpoll/parameters/guest_halt_poll_ns", "0\n");

    IdleRegime regime = IdleRegime.readFrom(sys);

    assertThat(regime).isEqualTo(new IdleRegime("haltpoll", 0L));
    assertThat(regime.haltsAtOnce()).isTrue();
    assertThat(regime.describe())
        .startsWith("cpuidle driver haltpoll, guest_halt_poll_ns=0: idle vCPUs halt at once")
        .contains("Latency and how idle cores wake");
  }

  @Test
  void kvmGuestThatPolls_doesNotHaltAtOnce() throws IOException {
    write("devices/system/cpu/cpuidle/current_driver", "haltpoll\n");
    write("module/haltpoll/parameters/guest_halt_poll_ns", "200000\n");

    IdleRegime regime = IdleRegime.readFrom(sys);

    assertThat(regime.haltsAtOnce()).isFalse();
    assertThat(regime.describe()).isEqualTo("cpuidle driver haltpoll, guest_halt_poll_ns=200000");
  }

  @Test
  void bareMetalDriver_hasNoPollingFigure() throws IOException {
    write("devices/system/cpu/cpuidle/current_driver", "intel_idle\n");

    IdleRegime regime = IdleRegime.readFrom(sys);

    assertThat(regime).isEqualTo(new IdleRegime("intel_idle", null));
    assertThat(regime.haltsAtOnce()).isFalse();
    assertThat(regime.describe()).isEqualTo("cpuidle driver intel_idle");
  }

  @Test
  void noSysTree_isUnknown_notAnError() {
    IdleRegime regime = IdleRegime.readFrom(sys.resolve("absent"));

    assertThat(regime).isEqualTo(new IdleRegime(null, null));
    assertThat(regime.haltsAtOnce()).isFalse();
    assertThat(regime.describe()).startsWith("cpuidle: unknown");
  }

  @Test
  void unreadablePollingFigure_isLeftOut() throws IOException {
    write("devices/system/cpu/cpuidle/current_driver", "haltpoll\n");
    write("module/haltpoll/parameters/guest_halt_poll_ns", "lots\n");

    IdleRegime regime = IdleRegime.readFrom(sys);

    assertThat(regime).isEqualTo(new IdleRegime("haltpoll", null));
    assertThat(regime.haltsAtOnce()).isFalse();
  }

  private void write(String relative, String text) throws IOException {
    Path file = sys.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }
}
