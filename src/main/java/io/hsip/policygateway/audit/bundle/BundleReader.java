package io.hsip.policygateway.audit.bundle;

import io.hsip.policygateway.audit.bundle.BundleFormat.FileDigest;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/**
 * Reads the files of an export bundle, strictly and within bounds: the ZIP's layout (each file of
 * the format once, nothing else), small files up to 16 MiB, and the JSON Lines files a line at a
 * time, each line up to 1 MiB, so that memory stays bounded however many entries a bundle holds. It
 * checks no content; {@link BundleVerifier} does.
 */
public final class BundleReader implements AutoCloseable {

  private static final int MAX_SMALL_FILE = 16 * 1024 * 1024;
  private static final int MAX_LINE = 1024 * 1024;

  private final ZipFile zip;

  private BundleReader(ZipFile zip) {
    this.zip = zip;
  }

  /**
   * Opens {@code bundle}.
   *
   * @throws java.util.zip.ZipException if it is not a ZIP file
   */
  public static BundleReader open(Path bundle) throws IOException {
    return new BundleReader(new ZipFile(bundle.toFile(), StandardCharsets.UTF_8));
  }

  /**
   * What is wrong with the bundle's list of files, in order: a file held twice (then nothing else
   * is looked at), files of the format that are missing, files that do not belong to it. Empty if
   * the layout is exactly the format's.
   */
  public List<String> layoutProblems() {
    Set<String> names = new HashSet<>();
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      String name = e.nextElement().getName();
      if (!names.add(name)) {
        return List.of("the bundle holds " + name + " twice");
      }
    }
    List<String> required = new ArrayList<>(BundleFormat.DIGESTED);
    required.add(BundleFormat.MANIFEST);
    required.add(BundleFormat.MANIFEST_SIGNATURE);
    List<String> problems = new ArrayList<>();
    for (String name : required) {
      if (!names.remove(name)) {
        problems.add("the bundle has no " + name);
      }
    }
    for (String extra : names) {
      problems.add("the bundle holds an unexpected file " + extra);
    }
    return problems;
  }

  /** Whether the bundle holds {@code name}. */
  public boolean has(String name) {
    return zip.getEntry(name) != null;
  }

  /**
   * The whole of a small file.
   *
   * @throws IOException if it is missing or larger than 16 MiB
   */
  public byte[] read(String name) throws IOException {
    try (InputStream in = open(name)) {
      byte[] bytes = in.readNBytes(MAX_SMALL_FILE);
      if (in.read() != -1) {
        throw new IOException(name + " is larger than 16 MiB");
      }
      return bytes;
    }
  }

  /** The length and SHA-256 of a file, read as a stream. */
  public FileDigest digest(String name) throws IOException {
    try (InputStream in = open(name)) {
      MessageDigest digest = Sha256.incremental();
      byte[] buffer = new byte[65536];
      long count = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        count += n;
      }
      return new FileDigest(count, LowerHex.encode(digest.digest()));
    }
  }

  /** The lines of a JSON Lines file, read one at a time; close it when done. */
  public Lines lines(String name) throws IOException {
    return new Lines(open(name));
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  private InputStream open(String name) throws IOException {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw new IOException("the bundle has no " + name);
    }
    return zip.getInputStream(entry);
  }

  /**
   * Newline-terminated lines from a buffer, without per-byte locking; a last line without newline
   * counts too.
   */
  public static final class Lines extends BufferedInputStream {

    Lines(InputStream in) {
      super(in, 1 << 16);
    }

    /**
     * The next line without its newline, or null at the end.
     *
     * @throws IOException if a line is longer than 1 MiB
     */
    public byte @Nullable [] next() throws IOException {
      ByteArrayOutputStream line = null;
      while (true) {
        if (pos >= count) {
          int n = in.read(buf, 0, buf.length);
          if (n <= 0) {
            return line == null || line.size() == 0 ? null : line.toByteArray();
          }
          pos = 0;
          count = n;
        }
        for (int i = pos; i < count; i++) {
          if (buf[i] == '\n') {
            byte[] out;
            if (line == null) {
              out = Arrays.copyOfRange(buf, pos, i);
            } else {
              line.write(buf, pos, i - pos);
              out = line.toByteArray();
            }
            pos = i + 1;
            return out;
          }
        }
        if (line == null) {
          line = new ByteArrayOutputStream(1024);
        }
        line.write(buf, pos, count - pos);
        pos = count;
        if (line.size() > MAX_LINE) {
          throw new IOException("a line is longer than 1 MiB");
        }
      }
    }
  }
}
