package io.hsip.policygateway.cli;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.keys.KeyFileException;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Reading and writing the files the commands take and produce, with CLI-grade error messages. */
final class CliFiles {

  /** Documents are small; refuse anything larger before reading it. */
  private static final long MAX_DOCUMENT_BYTES = 1024 * 1024;

  private CliFiles() {}

  static SigningKey readKey(Path path) throws CliException {
    try {
      return KeyFiles.read(path);
    } catch (KeyFileException e) {
      throw new CliException(CliException.INPUT, e.getMessage());
    }
  }

  static Ed25519PublicKey publicKey(String hex, String option) throws CliException {
    try {
      return Ed25519PublicKey.fromHex(hex);
    } catch (InvalidKeyException e) {
      throw new CliException(CliException.INPUT, option + ": " + e.getMessage());
    }
  }

  /**
   * The bearer token in {@code path}: one token of printable ASCII (surrounding whitespace, such as
   * a final newline, is ignored).
   */
  static String readToken(Path path) throws CliException {
    String token = new String(read(path), java.nio.charset.StandardCharsets.UTF_8).strip();
    if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new CliException(
          CliException.USAGE, "--token-file must hold one token of printable ASCII");
    }
    return token;
  }

  static byte[] read(Path path) throws CliException {
    try {
      if (Files.size(path) > MAX_DOCUMENT_BYTES) {
        throw new CliException(CliException.INPUT, path + " is larger than 1 MiB");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new CliException(CliException.INPUT, path + " does not exist");
    } catch (IOException e) {
      throw new CliException(
          CliException.INPUT, "cannot read " + path + ": " + e.getClass().getSimpleName());
    }
  }

  /** Writes a public document to {@code out}, or prints it when {@code out} is null. */
  static void writeDocument(@Nullable Path out, String content, PrintWriter stdout)
      throws CliException {
    String text = content.endsWith("\n") ? content : content + "\n";
    if (out == null) {
      stdout.print(text);
      stdout.flush();
      return;
    }
    try {
      Files.writeString(out, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(
          CliException.INPUT, "cannot write " + out + ": " + e.getClass().getSimpleName());
    }
  }
}
