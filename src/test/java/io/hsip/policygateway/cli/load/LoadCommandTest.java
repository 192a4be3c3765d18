package io.hsip.policygateway.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.cli.HsipCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load command's usage errors, which stop a run before it sends anything. */
class LoadCommandTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return HsipCli.run(
        Clock.systemUTC(),
        new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true),
        args);
  }

  @Test
  void usageErrors_exitWith2AndSayWhy() {
    assertThat(run("load", "udp", "--to", "127.0.0.1:9", "--peers", "0")).isEqualTo(2);
    assertThat(run("load", "udp", "--to", "127.0.0.1:9", "--mix", "allow=1,typo=2")).isEqualTo(2);
    assertThat(run("load", "udp", "--to", "127.0.0.1:9", "--presign")).isEqualTo(2);
    assertThat(
            run(
                "load",
                "udp",
                "--to",
                "127.0.0.1:9",
                "--presign",
                "--count",
                "10",
                "--duration",
                "1m"))
        .isEqualTo(2);
    assertThat(run("load", "udp", "--to", "127.0.0.1:9", "--duration", "ten")).isEqualTo(2);
    assertThat(run("load", "udp", "--to", "127.0.0.1:9", "--allow-purpose", "a|b")).isEqualTo(2);
    assertThat(run("load", "udp", "--to", "[::1]:9", "--source-ips", "2")).isEqualTo(2);
    assertThat(err.toString())
        .contains("hsip: --peers must be between 1 and 4096")
        .contains("hsip: --mix: unknown kind \"typo\"")
        .contains("hsip: --presign needs --count of at most 200000")
        .contains("hsip: --presign runs at most 45s")
        .contains("'ten' is not a duration such as 500ms, 30s, 5m or 1h")
        .contains("hsip: --allow-purpose: purpose")
        .contains("hsip: --source-ips above 1 needs an IPv4 loopback target");
  }

  @Test
  void presignShare_isAPeersEvenShareAndATenthMore() {
    LoadSettings settings =
        new LoadSettings(
            4,
            1000,
            Duration.ofSeconds(10),
            null,
            Mix.parse("allow=3,deny=1"),
            "a",
            "d",
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            Duration.ofMinutes(1),
            0,
            true,
            Duration.ofSeconds(2));

    // allow: 1000 * 3/4 / 4 = 187.5 -> 206.25 -> 207 + 2; deny: 62.5 -> 68.75 -> 69 + 2.
    assertThat(settings.presignShare())
        .containsExactlyInAnyOrderEntriesOf(Map.of(LoadKind.ALLOW, 209L, LoadKind.DENY, 71L));
    assertThat(settings.loop()).isEqualTo("closed loop, presigned, after 2.0s warm-up");
  }
}
