package io.hsip.policygateway.hsip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds random and mutated hostile input to a parser of network or file input (a {@link Target})
 * and checks the package's promise (see {@code package-info.java}): only the format's declared
 * checked exception ever escapes. Inputs are bit flips, truncations, splices, duplicated chunks,
 * invalid UTF-8, structure-aware JSON variants of the valid vector documents (dropped, duplicated
 * and retyped fields, huge numbers, deep nesting, lone surrogates), DER-aware PKCS#8 variants,
 * re-signed JWT claims, and validly signed documents with extreme field values. Each format's
 * {@code *FuzzTest} declares its targets.
 *
 * <p>Reproducible: {@code -Dhsip.fuzz.seed=<long>} picks the seed (printed on every run), {@code
 * -Dhsip.fuzz.perTarget=<n>} the number of inputs per target.
 */
public final class HostileInputs {

  private static final long SEED = Long.getLong("hsip.fuzz.seed", 0x4853_4950_1731_8800L);
  private static final int PER_TARGET = Integer.getInteger("hsip.fuzz.perTarget", 20_000);
  private static final Duration BUDGET = Duration.ofMinutes(2);
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The vectors' base time: the vector request's {@code ts_ms}. */
  public static final long NOW = Vectors.number("consent.request.inputs.ts_ms");

  /**
   * Found by the fuzzer (every JSON target): {@code StrictJson.readValue} calls {@code
   * parser.getDecimalValue()}, and Jackson throws {@link NumberFormatException} ("Exponent
   * overflow") for a float whose BigDecimal scale does not fit an int. It escapes every JSON
   * parser; on the UDP responder it used to end the receive thread (see
   * UdpConsentExchangeTest#parserFailure...).
   */
  public static final List<byte[]> EXPONENT_OVERFLOW =
      List.of(
          utf8("1e-2147483649"),
          utf8("{\"version\":1e-2147483649}"),
          utf8("{\"version\":1,\"ts_ms\":-5e-2147483650}"),
          utf8("[0.1E-2147483648]"),
          utf8("{\"a\":1e2147483649}"),
          utf8("HSIP\u0000\u0002{\"type\":1e-2147483649}"),
          utf8(
              Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(utf8("{\"alg\":1e-2147483649}"))
                  + ".e30.AA"));

  private static long sink;

  private HostileInputs() {}

  // ---- the run ----

  /**
   * A format's fuzz test: the implementing {@code *FuzzTest} names the format's targets and
   * inherits the long run (a {@link Heavy} test).
   */
  public interface Format {

    /** The parsers of this format, each with its input generator and its declared exceptions. */
    List<Target> targets() throws Exception;

    @Heavy
    @Test
    default void hostileInputs_onlyRaiseTheDeclaredCheckedException() throws Exception {
      assertOnlyDeclaredEscape(targets());
    }
  }

  /**
   * A JSON format's fuzz test: the long run plus the regression inputs every JSON parser once
   * failed on.
   */
  public interface JsonFormat extends Format {

    /** See {@link HostileInputs#EXPONENT_OVERFLOW}. */
    @Test
    default void regression_jsonFloatWithExponentOverflow() throws Exception {
      assertOnlyDeclared(EXPONENT_OVERFLOW, targets());
    }
  }

  /**
   * Runs every target on its own reproducible random stream; fails on any unchecked exception that
   * escaped.
   */
  public static void assertOnlyDeclaredEscape(List<Target> targets) {
    System.out.println(
        "hostile inputs seed="
            + SEED
            + " (-Dhsip.fuzz.seed="
            + SEED
            + "), "
            + PER_TARGET
            + " inputs per target, "
            + targets.size()
            + " targets");
    long start = System.nanoTime();
    List<Outcome> outcomes =
        assertTimeoutPreemptively(
            BUDGET,
            () -> {
              List<Outcome> out = new ArrayList<>();
              for (Target target : targets) {
                out.add(target.run(new Random(SEED ^ target.name().hashCode()), PER_TARGET));
              }
              return out;
            });
    List<String> failures = new ArrayList<>();
    for (Outcome o : outcomes) {
      System.out.printf(
          "  %-34s %7d inputs  %6d accepted  %7d rejected  %3d failure kinds  (%d ms)%n",
          o.target(), o.inputs(), o.accepted(), o.rejected(), o.failures().size(), o.millis());
      assertThat(o.inputs()).as("inputs fed to %s", o.target()).isEqualTo(PER_TARGET);
      failures.addAll(o.failures().values().stream().map(Failure::describe).toList());
    }
    System.out.printf("  total in %d ms; sink %d%n", (System.nanoTime() - start) / 1_000_000, sink);
    assertThat(failures)
        .as(
            "unchecked exceptions escaped (seed %d); each entry: target, input hex, stack top",
            SEED)
        .isEmpty();
  }

  /**
   * Feeds each input to each target; fails listing every (target, input hex, stack top) that
   * escaped.
   */
  public static void assertOnlyDeclared(List<byte[]> inputs, List<Target> targets) {
    List<String> escaped = new ArrayList<>();
    for (Target target : targets) {
      for (byte[] input : inputs) {
        Throwable thrown = target.check(input);
        if (thrown != null && !(thrown instanceof Exception e && target.isDeclared(e))) {
          Failure failure = new Failure(target.name(), input, thrown);
          failure.count = 1;
          escaped.add(failure.describe());
        }
      }
    }
    assertThat(escaped).as("only the declared checked exception may escape").isEmpty();
  }

  /** Produces one input from the random source. */
  @FunctionalInterface
  public interface Generator {
    byte[] next(Random r);
  }

  /** Feeds one input to the API under test. */
  @FunctionalInterface
  public interface Call {
    void accept(byte[] input) throws Exception;
  }

  /** What one target did with its inputs. */
  record Outcome(
      String target,
      int inputs,
      int accepted,
      int rejected,
      long millis,
      Map<String, Failure> failures) {}

  /**
   * One kind of escaped exception (target, class, throwing frame), with the shortest input that
   * showed it.
   */
  static final class Failure {
    final String target;
    byte[] input;
    Throwable thrown;
    int count;

    Failure(String target, byte[] input, Throwable thrown) {
      this.target = target;
      this.input = input;
      this.thrown = thrown;
    }

    /**
     * Target, exception, the shortest input as hex, and the stack top down to the first frames of
     * our code.
     */
    String describe() {
      StringBuilder out = new StringBuilder();
      out.append('[')
          .append(target)
          .append("] ")
          .append(thrown)
          .append(" (")
          .append(count)
          .append(" inputs)\n");
      out.append("    shortest input (")
          .append(input.length)
          .append(" bytes): ")
          .append(HEX.formatHex(input))
          .append('\n');
      StackTraceElement[] stack = thrown.getStackTrace();
      int ours = 0;
      boolean elided = false;
      for (int i = 0; i < stack.length && ours < 3; i++) {
        boolean main =
            stack[i].getClassName().startsWith("io.hsip.policygateway.hsip.")
                && !isTestCode(stack[i].getClassName());
        if (i < 4 || main) {
          if (elided) {
            out.append("      ...\n");
            elided = false;
          }
          out.append("      at ").append(stack[i]).append('\n');
          ours += main ? 1 : 0;
        } else {
          elided = true;
        }
      }
      return out.toString();
    }
  }

  public record Target(
      String name, Generator generator, List<Class<? extends Exception>> declared, Call call) {

    Outcome run(Random r, int count) {
      long start = System.nanoTime();
      int accepted = 0;
      int rejected = 0;
      int inputs = 0;
      Map<String, Failure> failures = new LinkedHashMap<>();
      for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
        byte[] input = generator.next(r);
        inputs++;
        Throwable thrown = check(input);
        if (thrown == null) {
          accepted++;
        } else if (thrown instanceof Exception e && isDeclared(e)) {
          rejected++;
        } else {
          String kind =
              thrown.getClass().getName()
                  + " @ "
                  + (thrown.getStackTrace().length > 0 ? thrown.getStackTrace()[0] : "?");
          Failure f = failures.computeIfAbsent(kind, k -> new Failure(name, input, thrown));
          f.count++;
          if (input.length < f.input.length) {
            f.input = input;
            f.thrown = thrown;
          }
        }
      }
      return new Outcome(
          name, inputs, accepted, rejected, (System.nanoTime() - start) / 1_000_000, failures);
    }

    /** What escaped the call for this input, or null; a declared exception must carry a message. */
    @org.jspecify.annotations.Nullable
    Throwable check(byte[] input) {
      try {
        call.accept(input);
        return null;
      } catch (Throwable t) {
        if (t instanceof Exception e
            && isDeclared(e)
            && (e.getMessage() == null || e.getMessage().isEmpty())) {
          return new AssertionError("declared exception without a message", e);
        }
        return t;
      }
    }

    boolean isDeclared(Exception e) {
      for (Class<? extends Exception> c : declared) {
        if (c.isInstance(e)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Input generators: byte-level mutation, structure-aware JSON, DER and JWT variants. */
  public static final class Generators {

    private static final byte[] INTERESTING_BYTES = {
      0x00,
      (byte) 0xff,
      0x7f,
      (byte) 0x80,
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '|',
      '0',
      '9',
      '-',
      'e',
      '.',
      ' ',
      '\n',
      (byte) 0xe1,
      (byte) 0xe2,
      (byte) 0xd0,
      'H'
    };

    private static final byte[][] INVALID_UTF8 = {
      {(byte) 0xc0, (byte) 0x80}, // overlong NUL
      {(byte) 0xc1, (byte) 0xbf}, // overlong
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // UTF-8-encoded surrogate
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xff},
      {(byte) 0xfe},
      {(byte) 0x80},
      {(byte) 0xbf},
      {(byte) 0xe2, (byte) 0x82}, // truncated
      {(byte) 0xf0, (byte) 0x9f, (byte) 0x98}, // truncated
      {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, // BOM
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80} // five-byte form
    };

    private static final String[] NUMBERS = {
      "0",
      "-0",
      "1",
      "-1",
      "2",
      "255",
      "256",
      "65535",
      "2147483647",
      "2147483648",
      "-2147483648",
      "-2147483649",
      "4294967295",
      "4294967296",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "18446744073709551615",
      "18446744073709551616",
      "1731880000000",
      "1731880060000",
      "99999999999999999999999999999999",
      "999999999999999999999999999999999",
      "1" + "0".repeat(40),
      "1e3",
      "1E400",
      "1e-400",
      "1e2147483648",
      "1e-2147483649",
      "0.5",
      "1.0",
      "1.5e10",
      "-1.5e-10",
      "1e999999999",
      "00",
      "01",
      "-",
      "+1",
      ".5",
      "0x10",
      "1e",
      "1e+",
      "NaN",
      "Infinity",
      "-Infinity",
      "1_000",
      "0.0000000000000000000001"
    };

    private static final String[] STRINGS = {
      "",
      "|",
      "a|b",
      "indexing|purpose=ads",
      "\\u0000",
      "\\ud800",
      "\\udfff",
      "\\udc00\\ud800",
      "\\ud83d\\ude00",
      "é",
      "\\u2028",
      "\\u00zz",
      "\\x41",
      "\\",
      "\\\"",
      "\t",
      "\u0001",
      "\u007f",
      "HELLO",
      "EdDSA",
      "none",
      "HS256",
      "allow",
      "deny",
      "ALLOW",
      "Allow",
      "session",
      "ping",
      "T_R_U_S_T_E_D",
      "M_I_S_B_E_H_A_V_I_O_R",
      "TRUSTED",
      "1731880000s",
      "99999999999999999999s",
      "18446744073709551616s",
      "-1s",
      "s",
      "0s",
      "00000000000000000001s",
      "0x" + "ab".repeat(64),
      "AB".repeat(64),
      "ab".repeat(63),
      "ab".repeat(65),
      "g".repeat(128),
      "00".repeat(32),
      "01" + "00".repeat(31),
      "ec" + "ff".repeat(30) + "7f",
      "I4MLJTQWUZ66GBMNYEP75Z2QSD",
      "i4mljtqwuz66gbmnyep75z2qsd",
      "I4MLJTQWUZ66GBMNYEP75Z2QS1",
      "00000000-0000-4000-8000-000000000001",
      "7d",
      "null",
      "true",
      "{}",
      "[]"
    };

    private Generators() {}

    /** Byte mutations of the seeds, plus random bytes. */
    public static Generator bytes(List<byte[]> seeds) {
      return r -> {
        int pick = r.nextInt(20);
        if (pick == 0) {
          byte[] random = new byte[r.nextInt(300)];
          r.nextBytes(random);
          return random;
        }
        return mutate(r, seeds.get(r.nextInt(seeds.size())), seeds);
      };
    }

    /**
     * For fixed-layout binary messages: mutations, random lengths, and every length around the
     * minimum.
     */
    public static Generator binary(List<byte[]> seeds) {
      Generator bytes = bytes(seeds);
      return r -> {
        byte[] seed = seeds.get(r.nextInt(seeds.size()));
        return switch (r.nextInt(8)) {
          case 0 -> Arrays.copyOf(seed, r.nextInt(seed.length + 2));
          case 1 -> {
            byte[] random = new byte[r.nextInt(80)];
            r.nextBytes(random);
            if (random.length > 0) {
              random[0] = INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
            }
            yield random;
          }
          case 2 -> {
            // Keep the header, randomise the rest: the most plausible forgery.
            byte[] forged = seed.clone();
            for (int i = Math.min(13, forged.length); i < forged.length; i++) {
              forged[i] = (byte) r.nextInt(256);
            }
            yield forged;
          }
          default -> bytes.next(r);
        };
      };
    }

    /**
     * JSON documents: structural variants of the seeds, byte mutations of them, and random values.
     */
    public static Generator json(List<byte[]> seeds) {
      List<ObjectNode> trees = new ArrayList<>();
      for (byte[] seed : seeds) {
        try {
          trees.add((ObjectNode) MAPPER.readTree(seed));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      return r -> {
        int pick = r.nextInt(100);
        if (pick < 30) {
          return mutate(r, seeds.get(r.nextInt(seeds.size())), seeds);
        }
        if (pick < 85) {
          byte[] variant = utf8(JsonVariants.document(r, trees.get(r.nextInt(trees.size()))));
          return r.nextInt(4) == 0 ? mutate(r, variant, seeds) : variant;
        }
        if (pick < 92) {
          return utf8(JsonVariants.randomValue(r, 0));
        }
        if (pick < 96) {
          // Deep nesting, far beyond the reader's limit.
          int depth = 1 + r.nextInt(3000);
          String open = r.nextBoolean() ? "[" : "{\"a\":";
          StringBuilder out = new StringBuilder();
          out.append(open.repeat(depth)).append('1');
          for (int i = 0; i < depth; i++) {
            out.append(open.equals("[") ? ']' : '}');
          }
          return utf8(out.toString());
        }
        // Oversized: a valid document padded past every size limit.
        byte[] seed = seeds.get(r.nextInt(seeds.size()));
        int padding = r.nextBoolean() ? 70_000 : 17_000;
        String text = new String(seed, StandardCharsets.UTF_8);
        return utf8(
            text.substring(0, text.length() - 1) + ",\"pad\":\"" + "x".repeat(padding) + "\"}");
      };
    }

    /**
     * JWTs: variants of header and claims (often re-signed with the device key), and raw mutations.
     */
    public static Generator jwt(String token, SigningKey device) {
      String[] parts = token.split("\\.", -1);
      byte[] header = Base64.getUrlDecoder().decode(parts[0]);
      byte[] claims = Base64.getUrlDecoder().decode(parts[1]);
      Generator headers = json(List.of(header));
      Generator claimSets = json(List.of(claims));
      Generator raw = bytes(List.of(utf8(token)));
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      return r -> {
        int pick = r.nextInt(10);
        if (pick < 3) {
          return raw.next(r);
        }
        byte[] h = pick < 7 ? header : headers.next(r);
        byte[] c = pick == 9 ? claims : claimSets.next(r);
        String signingInput = b64.encodeToString(h) + "." + b64.encodeToString(c);
        byte[] sig =
            r.nextInt(5) == 0
                ? Arrays.copyOf(Base64.getUrlDecoder().decode(parts[2]), r.nextInt(70))
                : device.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        String out = signingInput + "." + b64.encodeToString(sig);
        return switch (r.nextInt(12)) {
          case 0 -> utf8(out + ".");
          case 1 -> utf8(out.replace('-', '+'));
          case 2 -> utf8(out + "==");
          case 3 -> utf8("." + out);
          case 4 -> utf8(out.repeat(1 + r.nextInt(400)));
          default -> utf8(out);
        };
      };
    }

    /** One to four stacked byte mutations. */
    public static byte[] mutate(Random r, byte[] input, List<byte[]> seeds) {
      byte[] b = input;
      int rounds = 1 + r.nextInt(4);
      for (int i = 0; i < rounds; i++) {
        b = mutateOnce(r, b, seeds);
      }
      return b.length > 200_000 ? Arrays.copyOf(b, 200_000) : b;
    }

    private static byte[] mutateOnce(Random r, byte[] b, List<byte[]> seeds) {
      int n = b.length;
      return switch (r.nextInt(11)) {
        case 0 -> {
          if (n == 0) {
            yield b;
          }
          byte[] out = b.clone();
          int flips = 1 + r.nextInt(8);
          for (int i = 0; i < flips; i++) {
            int bit = r.nextInt(n * 8);
            out[bit / 8] ^= (byte) (1 << (bit % 8));
          }
          yield out;
        }
        case 1 -> {
          if (n == 0) {
            yield b;
          }
          byte[] out = b.clone();
          out[r.nextInt(n)] = INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
          yield out;
        }
        case 2 -> Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n));
        case 3 -> {
          byte[] other = seeds.get(r.nextInt(seeds.size()));
          int cut = n == 0 ? 0 : r.nextInt(n);
          int from = other.length == 0 ? 0 : r.nextInt(other.length);
          yield concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
        }
        case 4 -> {
          if (n == 0) {
            yield b;
          }
          int start = r.nextInt(n);
          int end = start + r.nextInt(Math.min(64, n - start) + 1);
          int at = r.nextInt(n + 1);
          int copies = r.nextInt(8) == 0 ? 1 + r.nextInt(50) : 1;
          byte[] chunk = Arrays.copyOfRange(b, start, end);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(b, 0, at);
          for (int i = 0; i < copies; i++) {
            out.writeBytes(chunk);
          }
          out.write(b, at, n - at);
          yield out.toByteArray();
        }
        case 5 -> {
          if (n == 0) {
            yield b;
          }
          int start = r.nextInt(n);
          int end = start + r.nextInt(Math.min(32, n - start) + 1);
          yield concat(Arrays.copyOf(b, start), Arrays.copyOfRange(b, end, n));
        }
        case 6 -> {
          byte[] random = new byte[1 + r.nextInt(16)];
          r.nextBytes(random);
          yield insert(b, r.nextInt(n + 1), random);
        }
        case 7 -> insert(b, r.nextInt(n + 1), INVALID_UTF8[r.nextInt(INVALID_UTF8.length)]);
        case 8 -> {
          if (n < 2) {
            yield b;
          }
          byte[] out = b.clone();
          int from = r.nextInt(n);
          int to = r.nextInt(n);
          int len = r.nextInt(Math.min(n - Math.max(from, to), 32) + 1);
          System.arraycopy(b, from, out, to, len);
          yield out;
        }
        case 9 -> {
          // A digit run inside a number or string: huge values where small ones were.
          byte[] digits = new byte[1 + r.nextInt(40)];
          for (int i = 0; i < digits.length; i++) {
            digits[i] = (byte) ('0' + r.nextInt(10));
          }
          int at = n == 0 ? 0 : r.nextInt(n);
          for (int i = at; i < n; i++) {
            if (b[i] >= '0' && b[i] <= '9') {
              yield insert(b, i, digits);
            }
          }
          yield insert(b, at, digits);
        }
        default -> r.nextBoolean() ? concat(b, b) : new byte[0];
      };
    }

    /** A time in milliseconds from the places where arithmetic goes wrong. */
    public static long extremeTime(Random r) {
      return switch (r.nextInt(8)) {
        case 0 -> 0;
        case 1 -> Long.MAX_VALUE - r.nextInt(1000);
        case 2 -> NOW + r.nextInt(200_000) - 100_000;
        case 3 -> NOW + 86_400_000L + r.nextInt(3) - 1;
        case 4 -> r.nextLong() & Long.MAX_VALUE;
        case 5 -> 60_000;
        case 6 -> Long.MAX_VALUE / 2;
        default -> NOW - 60_000 + r.nextInt(3) - 1;
      };
    }

    public static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
      return concat(concat(Arrays.copyOf(b, at), piece), Arrays.copyOfRange(b, at, b.length));
    }

    /** PEM armour around DER bytes, sometimes damaged itself. */
    public static byte[] pem(Random r, byte[] der) {
      String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
      String pem = "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
      return switch (r.nextInt(12)) {
        case 0 -> utf8(pem.replace("\n", "\r\n"));
        case 1 -> utf8(pem.replace("PRIVATE KEY", "PUBLIC KEY"));
        case 2 -> utf8(pem + pem);
        case 3 -> utf8(pem.replace("\n", " "));
        case 4 -> mutate(r, utf8(pem), List.of(utf8(pem)));
        default -> utf8(pem);
      };
    }

    /**
     * Structure-aware DER damage: delete, duplicate, swap or retag elements, replace contents;
     * lengths stay consistent.
     */
    public static byte[] mutateDer(Random r, byte[] der) {
      Der root = Der.parse(der);
      int rounds = 1 + r.nextInt(3);
      for (int round = 0; round < rounds; round++) {
        List<Der> nodes = new ArrayList<>();
        root.collect(nodes);
        Der node = nodes.get(r.nextInt(nodes.size()));
        switch (r.nextInt(7)) {
          case 0 -> {
            if (node.children != null && !node.children.isEmpty()) {
              node.children.remove(r.nextInt(node.children.size()));
            }
          }
          case 1 -> {
            if (node.children != null && !node.children.isEmpty()) {
              node.children.add(
                  r.nextInt(node.children.size() + 1),
                  node.children.get(r.nextInt(node.children.size())).copy());
            }
          }
          case 2 -> {
            if (node.children != null && node.children.size() > 1) {
              Collections.swap(
                  node.children, r.nextInt(node.children.size()), r.nextInt(node.children.size()));
            }
          }
          case 3 -> {
            int[] tags = {
              0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x30, 0x31, 0x80, 0x81, 0xa0, 0xa1, 0x00
            };
            int tag = tags[r.nextInt(tags.length)];
            node.tag = tag;
            if ((tag & 0x20) != 0 && node.children == null) {
              node.children = new ArrayList<>();
              node.content = null;
            } else if ((tag & 0x20) == 0 && node.children != null) {
              node.content = node.encodeContent();
              node.children = null;
            }
          }
          case 4 -> {
            node.children = null;
            node.tag &= ~0x20;
            byte[] content = new byte[r.nextInt(8) == 0 ? 0 : r.nextInt(48)];
            r.nextBytes(content);
            node.content = content;
          }
          case 5 -> {
            if (node.content != null) {
              // Re-read primitive content as DER if it parses (the OCTET STRING inside the OCTET
              // STRING).
              byte[] content = node.content;
              if (content.length > 1 && (content[0] & 0x1f) != 0x1f) {
                node.content = Arrays.copyOf(content, r.nextInt(content.length + 1));
              }
            }
          }
          default -> {
            if (node.content != null && node.content.length > 0) {
              node.content = node.content.clone();
              node.content[r.nextInt(node.content.length)] ^= (byte) (1 << r.nextInt(8));
            }
          }
        }
      }
      byte[] out = root.encode();
      return r.nextInt(5) == 0 ? mutate(r, out, List.of(der)) : out;
    }
  }

  /** A minimal DER tree (single-byte tags, definite lengths) for structure-aware mutation. */
  static final class Der {
    int tag;
    byte @org.jspecify.annotations.Nullable [] content;
    @org.jspecify.annotations.Nullable List<Der> children;

    static Der parse(byte[] der) {
      int[] pos = {0};
      return read(der, pos, der.length);
    }

    private static Der read(byte[] b, int[] pos, int end) {
      Der node = new Der();
      node.tag = b[pos[0]++] & 0xff;
      int length = b[pos[0]++] & 0xff;
      if (length >= 0x80) {
        int octets = length & 0x7f;
        length = 0;
        for (int i = 0; i < octets; i++) {
          length = (length << 8) | (b[pos[0]++] & 0xff);
        }
      }
      int stop = pos[0] + length;
      if ((node.tag & 0x20) != 0) {
        node.children = new ArrayList<>();
        while (pos[0] < stop) {
          node.children.add(read(b, pos, stop));
        }
      } else {
        node.content = Arrays.copyOfRange(b, pos[0], stop);
        pos[0] = stop;
      }
      if (stop > end) {
        throw new IllegalStateException("seed DER overruns its parent");
      }
      return node;
    }

    void collect(List<Der> out) {
      out.add(this);
      if (children != null) {
        for (Der child : children) {
          child.collect(out);
        }
      }
    }

    Der copy() {
      return parse(encode());
    }

    byte[] encodeContent() {
      if (children == null) {
        return content == null ? new byte[0] : content;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Der child : children) {
        out.writeBytes(child.encode());
      }
      return out.toByteArray();
    }

    byte[] encode() {
      byte[] body = encodeContent();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      if (body.length < 0x80) {
        out.write(body.length);
      } else if (body.length < 0x100) {
        out.write(0x81);
        out.write(body.length);
      } else {
        out.write(0x82);
        out.write(body.length >> 8);
        out.write(body.length);
      }
      out.writeBytes(body);
      return out.toByteArray();
    }
  }

  /**
   * Writes JSON text from a seed tree with random structural damage; the text may be invalid on
   * purpose.
   */
  static final class JsonVariants {

    private JsonVariants() {}

    static String document(Random r, ObjectNode seed) {
      StringBuilder out = new StringBuilder();
      int wrap = r.nextInt(25) == 0 ? 1 + r.nextInt(12) : 0;
      for (int i = 0; i < wrap; i++) {
        out.append("{\"wrapped\":");
      }
      object(r, seed, out, 0);
      out.append("}".repeat(wrap));
      if (r.nextInt(30) == 0) {
        out.append(r.nextBoolean() ? " " : r.nextBoolean() ? "{}" : "x");
      }
      return out.toString();
    }

    private static void object(Random r, ObjectNode node, StringBuilder out, int depth) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      fields.addAll(node.properties());
      if (r.nextInt(10) == 0) {
        Collections.shuffle(fields, r);
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> field : fields) {
        int action = r.nextInt(24);
        if (action == 0) {
          continue;
        }
        first = member(out, first, field.getKey());
        value(r, field.getValue(), out, depth, action <= 6);
        if (action == 7 || action == 8) {
          first = member(out, first, field.getKey());
          value(r, field.getValue(), out, depth, action == 8);
        }
      }
      if (r.nextInt(8) == 0) {
        first =
            member(
                out,
                first,
                r.nextBoolean()
                    ? "unknown_" + r.nextInt(100)
                    : STRINGS_FOR_NAMES[r.nextInt(STRINGS_FOR_NAMES.length)]);
        out.append(randomValue(r, depth + 1));
      }
      if (r.nextInt(40) == 0) {
        out.append(',');
      }
      out.append('}');
    }

    private static final String[] STRINGS_FOR_NAMES = {
      "", "\\u0000", "\\ud800", "sig_hex\\u0000", "é", "version"
    };

    private static boolean member(StringBuilder out, boolean first, String name) {
      if (!first) {
        out.append(',');
      }
      out.append('"').append(escapeName(name)).append("\":");
      return false;
    }

    private static String escapeName(String name) {
      return name.contains("\\") ? name : name.replace("\"", "\\\"");
    }

    private static void value(
        Random r, JsonNode node, StringBuilder out, int depth, boolean damage) {
      if (!damage) {
        out.append(node.toString());
        return;
      }
      switch (r.nextInt(6)) {
        case 0 -> out.append(randomValue(r, depth + 1));
        case 1 -> out.append(Generators.NUMBERS[r.nextInt(Generators.NUMBERS.length)]);
        case 2 ->
            out.append('"')
                .append(Generators.STRINGS[r.nextInt(Generators.STRINGS.length)])
                .append('"');
        default -> {
          if (node.isTextual()) {
            out.append('"').append(mutateString(r, node.textValue())).append('"');
          } else if (node instanceof ObjectNode object) {
            object(r, object, out, depth + 1);
          } else if (node.isArray()) {
            out.append('[');
            int n = node.size() + r.nextInt(3) - 1;
            for (int i = 0; i < n; i++) {
              if (i > 0) {
                out.append(',');
              }
              JsonNode element = node.size() == 0 ? null : node.get(r.nextInt(node.size()));
              if (element == null || r.nextInt(4) == 0) {
                out.append(randomValue(r, depth + 1));
              } else {
                value(r, element, out, depth + 1, r.nextBoolean());
              }
            }
            out.append(']');
          } else {
            out.append(Generators.NUMBERS[r.nextInt(Generators.NUMBERS.length)]);
          }
        }
      }
    }

    private static String mutateString(Random r, String s) {
      StringBuilder b = new StringBuilder(escape(s));
      switch (r.nextInt(9)) {
        case 0 -> {
          if (b.length() > 0) {
            b.setCharAt(r.nextInt(b.length()), (char) (' ' + r.nextInt(95)));
          }
        }
        case 1 -> {
          return escape(s.toUpperCase(java.util.Locale.ROOT));
        }
        case 2 -> b.setLength(b.length() == 0 ? 0 : r.nextInt(b.length()));
        case 3 -> b.insert(b.length() == 0 ? 0 : r.nextInt(b.length()), '|');
        case 4 -> {
          if (b.length() > 0) {
            int at = r.nextInt(b.length());
            b.insert(at, String.valueOf(b.charAt(at)).repeat(1 + r.nextInt(30)));
          }
        }
        case 5 -> b.append("x".repeat(r.nextBoolean() ? 17_000 : 300));
        case 6 ->
            b.insert(
                b.length() == 0 ? 0 : r.nextInt(b.length()),
                Generators.STRINGS[r.nextInt(Generators.STRINGS.length)]);
        case 7 -> b.insert(b.length() == 0 ? 0 : r.nextInt(b.length()), "\\ud800");
        default -> b.append((char) (0x80 + r.nextInt(0x2000)));
      }
      return b.toString();
    }

    private static String escape(String s) {
      StringBuilder out = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    static String randomValue(Random r, int depth) {
      int kind = depth > 10 ? r.nextInt(5) : r.nextInt(8);
      return switch (kind) {
        case 0 -> Generators.NUMBERS[r.nextInt(Generators.NUMBERS.length)];
        case 1 -> '"' + Generators.STRINGS[r.nextInt(Generators.STRINGS.length)] + '"';
        case 2 -> r.nextBoolean() ? "true" : "false";
        case 3 -> "null";
        case 4 -> '"' + "\\u" + String.format("%04x", r.nextInt(0x10000)) + '"';
        case 5 -> {
          StringBuilder out = new StringBuilder("[");
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            out.append(i > 0 ? "," : "").append(randomValue(r, depth + 1));
          }
          yield out.append(']').toString();
        }
        case 6 -> {
          StringBuilder out = new StringBuilder("{");
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            out.append(i > 0 ? "," : "")
                .append("\"k")
                .append(r.nextInt(5))
                .append("\":")
                .append(randomValue(r, depth + 1));
          }
          yield out.append('}').toString();
        }
        default -> "[".repeat(1 + r.nextInt(20)) + "]".repeat(1 + r.nextInt(20));
      };
    }
  }

  // ---- helpers ----

  /** A test's own frames are not the code under test when a failure's stack is shortened. */
  private static boolean isTestCode(String className) {
    return className.startsWith(HostileInputs.class.getName())
        || className.matches(".*FuzzTest(\\$.*)?");
  }

  /** The UTF-8 bytes of a string. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Keeps a parsed value alive so the JIT cannot drop the work that produced it. */
  public static void consume(Object... values) {
    for (Object value : values) {
      sink += value instanceof byte[] bytes ? Arrays.hashCode(bytes) : value.hashCode();
    }
  }
}
