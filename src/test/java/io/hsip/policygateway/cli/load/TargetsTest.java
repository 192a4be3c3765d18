package io.hsip.policygateway.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.cli.HsipCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A load run sends to this machine only, unless told otherwise. */
class TargetsTest {

  @TempDir Path dir;

  @Test
  void udp_loopbackTargets_areAccepted() throws Exception {
    assertThat(Targets.udp("127.0.0.1:40405", false))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40405));
    assertThat(Targets.udp("127.9.8.7:1", false).getAddress().getHostAddress())
        .isEqualTo("127.9.8.7");
    assertThat(Targets.udp("[::1]:40405", false).getAddress().isLoopbackAddress()).isTrue();
    assertThat(Targets.udp("localhost:40405", false).getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void udp_otherTargets_areRefusedUnlessAllowed() throws Exception {
    for (String target : new String[] {"192.0.2.1:40405", "10.0.0.1:40405", "[2001:db8::1]:1"}) {
      assertThatThrownBy(() -> Targets.udp(target, false))
          .isInstanceOf(LoadUsageException.class)
          .hasMessageContaining("is not a loopback address")
          .hasMessageContaining("--allow-non-loopback");
    }
    assertThat(Targets.udp("192.0.2.1:40405", true).getPort()).isEqualTo(40405);
  }

  @Test
  void udp_badForms_areUsageErrors() {
    assertThatThrownBy(() -> Targets.udp("127.0.0.1", false))
        .hasMessage("--to must be host:port, e.g. 127.0.0.1:40405");
    assertThatThrownBy(() -> Targets.udp("127.0.0.1:x", false))
        .hasMessage("--to: the port must be a number");
    assertThatThrownBy(() -> Targets.udp("127.0.0.1:0", false))
        .hasMessage("--to: the port must be 1-65535");
  }

  @Test
  void rest_onlyLoopbackHttpUrls() throws Exception {
    assertThat(Targets.rest("http://127.0.0.1:8080", false).getPort()).isEqualTo(8080);
    assertThat(Targets.rest("http://[::1]:8080/", false).getHost()).isEqualTo("[::1]");
    assertThatThrownBy(() -> Targets.rest("http://192.0.2.1:8080", false))
        .hasMessageContaining("--url: 192.0.2.1 is not a loopback address");
    assertThat(Targets.rest("https://192.0.2.1", true).getHost()).isEqualTo("192.0.2.1");
    assertThatThrownBy(() -> Targets.rest("ftp://127.0.0.1/", false))
        .hasMessage("--url must be http:// or https://");
    assertThatThrownBy(() -> Targets.rest("http:///x", false)).hasMessage("--url has no host");
  }

  @Test
  void command_refusesANonLoopbackTarget_withTheUsageExitCode() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "abc");
    StringWriter err = new StringWriter();

    int udp =
        HsipCli.run(
            java.time.Clock.systemUTC(),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "load",
            "udp",
            "--to",
            "192.0.2.1:40405",
            "--count",
            "1");
    int rest =
        HsipCli.run(
            java.time.Clock.systemUTC(),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "load",
            "rest",
            "--url",
            "http://192.0.2.1:8080",
            "--token-file",
            token.toString());

    assertThat(udp).isEqualTo(LoadReport.USAGE);
    assertThat(rest).isEqualTo(LoadReport.USAGE);
    assertThat(err.toString())
        .contains("hsip: --to: 192.0.2.1 is not a loopback address")
        .contains("hsip: --url: 192.0.2.1 is not a loopback address");
  }
}
