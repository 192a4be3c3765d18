package io.hsip.policygateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a JVM of its own with a small heap, for the tests that
 * prove a bound on memory (a million entries exported, verified, replayed), and reports what such a
 * JVM used.
 */
public final class BoundedHeap {

  private BoundedHeap() {}

  /**
   * Runs {@code main} with {@code jvmOptions} (e.g. {@code -Xmx64m}) and {@code args}, waits up to
   * ten minutes, and returns its output; fails unless it exits with 0.
   */
  public static String run(Class<?> main, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }

  /**
   * This JVM's memory so far: its maximum heap, the peak heap used (the sum of the heap pools'
   * peaks, so an upper bound) and the peak resident set of the process.
   */
  public static String memory() throws IOException {
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    String rss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmHWM:"))
            .findFirst()
            .orElse("VmHWM: ? kB")
            .replaceAll("\\s+", " ");
    return String.format(
        Locale.ROOT,
        "max heap %d MB, peak heap used %d MB, peak RSS %s",
        Runtime.getRuntime().maxMemory() >> 20,
        heap >> 20,
        rss.substring("VmHWM: ".length()));
  }
}
