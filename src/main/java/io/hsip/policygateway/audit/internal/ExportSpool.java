package io.hsip.policygateway.audit.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A private directory (mode 0700, owner only) for the files exports are read into before they are
 * streamed: the database is read at database speed into a file here, and the client then reads the
 * file at whatever speed it likes, holding no database resource. Each file is created with mode
 * 0600 and deleted by its owner after the response or on failure; {@link #close} removes whatever
 * is left.
 */
public final class ExportSpool implements AutoCloseable {

  /** The spool would grow beyond its bound: the export is too large for one response. */
  public static final class SpoolFullException extends IOException {
    private static final long serialVersionUID = 1L;

    SpoolFullException(long limit) {
      super("the export is larger than " + limit + " bytes");
    }
  }

  private final Path directory;

  private ExportSpool(Path directory) {
    this.directory = directory;
  }

  /** Creates the private directory under {@code parent} (the JVM's temporary directory if null). */
  public static ExportSpool create(@org.jspecify.annotations.Nullable Path parent)
      throws IOException {
    var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    Path directory =
        parent == null
            ? Files.createTempDirectory("hsip-export-", owner)
            : Files.createTempDirectory(Files.createDirectories(parent), "hsip-export-", owner);
    return new ExportSpool(directory);
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /** A new, empty file only the gateway's user can read. */
  public Path newFile(String suffix) throws IOException {
    return Files.createTempFile(
        directory,
        "export-",
        suffix,
        PosixFilePermissions.asFileAttribute(
            Set.copyOf(PosixFilePermissions.fromString("rw-------"))));
  }

  /**
   * An output stream to {@code file} that fails with {@link SpoolFullException} before it would
   * hold more than {@code limit} bytes.
   */
  public static OutputStream bounded(Path file, long limit) throws IOException {
    return new FilterOutputStream(
        new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        count(1);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
      }

      private void count(long n) throws SpoolFullException {
        written += n;
        if (written > limit) {
          throw new SpoolFullException(limit);
        }
      }
    };
  }

  /** Deletes the directory and everything in it. */
  @Override
  public void close() throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    Files.walkFileTree(
        directory,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
