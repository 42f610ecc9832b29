package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.recur.Bias;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of a valid safetensors file: bit flips, truncations and appended bytes,
 * and mutations of its structure: data_offsets shifted (overlaps, holes) or swapped, keys repeated
 * after a {@code null}, whole entries repeated, tensors added (ignored ones, and a second layer),
 * headers of hundreds of thousands of numbers, header lengths that lie, and sparse files of
 * several GiB. Loading must succeed or throw {@link InvalidModelFileException}, and allocate at
 * most {@value #BYTES_PER_WRITTEN_BYTE} bytes per byte written to the file plus {@value
 * #CONSTANT_BYTES}: never in proportion to a length the file merely claims.
 *
 * <p>{@value #DEFAULT_ITERATIONS} mutations in the normal suite; {@code -Drecur.fuzz.iterations=N}
 * runs N.
 */
class SafeTensorsFuzzTest {

  private static final int DEFAULT_ITERATIONS = 3000;
  private static final long BYTES_PER_WRITTEN_BYTE = 6;
  private static final long CONSTANT_BYTES = 1 << 20;
  private static final long GIB = 1L << 30;
  /** The one tensor name the loads ignore; mutations add it to make valid files with extras. */
  private static final String EXTRA = "extra";
  private static final Pattern OFFSETS = Pattern.compile("\"data_offsets\":\\[(\\d+),(\\d+)\\]");
  private static final Pattern KEY = Pattern.compile("\"([a-z_.0-9]+)\":");

  @TempDir Path dir;

  /** A mutated file: the bytes written, and the length the file is then extended to (a hole). */
  private record Mutation(String kind, byte[] bytes, long length) {
    Mutation(String kind, byte[] bytes) {
      this(kind, bytes, bytes.length);
    }
  }

  @Test
  void mutatedFilesLoadOrFailWithTheDocumentedExceptionInBoundedMemory() throws IOException {
    int iterations = Integer.getInteger("recur.fuzz.iterations", DEFAULT_ITERATIONS);
    Path file = dir.resolve("fuzzed.safetensors");
    SafeTensorsFile.write(file, Parameters.initialize(RnnConfig.builder(3, 5, 2).bias(Bias.PYTORCH_PAIR).build()),
        PyTorchNames.rnnAndHead());
    byte[] valid = Files.readAllBytes(file);
    load(file, false); // loads the classes outside the measurements
    SplittableRandom random = new SplittableRandom(17);
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(Duration.ofMinutes(iterations / 20_000 + 1), () -> {
      for (int i = 0; i < iterations; i++) {
        Mutation m = mutate(valid, random);
        SafeTensorsBytes.writeSparse(file, m.bytes(), m.length());
        long before = ThreadAllocation.bytes();
        try {
          assertTrue(load(file, random.nextBoolean()).tensors().size() >= 3);
          outcomes[0]++;
        } catch (InvalidModelFileException expected) {
          outcomes[1]++;
        } catch (Throwable other) {
          fail("mutation " + i + " (" + m.kind() + ") threw " + other, other);
        }
        long allocated = ThreadAllocation.bytes() - before;
        if (allocated > BYTES_PER_WRITTEN_BYTE * m.bytes().length + CONSTANT_BYTES) {
          fail("mutation " + i + " (" + m.kind() + ") allocated " + allocated + " bytes for a file of "
              + m.length() + " bytes, " + m.bytes().length + " of them written");
        }
      }
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > iterations / 2,
        "most mutations are rejected, some load: " + Arrays.toString(outcomes));
  }

  private static Parameters load(Path file, boolean keepBothBiases) throws IOException {
    return SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null, keepBothBiases, Set.of(EXTRA));
  }

  private static Mutation mutate(byte[] valid, SplittableRandom random) {
    String header = SafeTensorsBytes.header(valid);
    byte[] data = SafeTensorsBytes.data(valid);
    return switch (random.nextInt(10)) {
      case 0 -> {
        byte[] bytes = valid.clone();
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        yield new Mutation("bit flips", bytes);
      }
      case 1 -> new Mutation("truncation", Arrays.copyOf(valid, random.nextInt(valid.length)));
      case 2 -> {
        byte[] bytes = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(64));
        for (int i = valid.length; i < bytes.length; i++) {
          bytes[i] = (byte) random.nextInt(256);
        }
        yield new Mutation("appended bytes", bytes);
      }
      case 3 -> new Mutation("shifted data_offsets", SafeTensorsBytes.of(shiftOffsets(header, random), data));
      case 4 -> new Mutation("swapped data_offsets", SafeTensorsBytes.of(swapOffsets(header, random), data));
      case 5 -> new Mutation("a key repeated after null", SafeTensorsBytes.of(nullBeforeAKey(header, random), data));
      case 6 -> new Mutation("an entry repeated", SafeTensorsBytes.of(repeatAnEntry(header, random), data));
      case 7 -> {
        String name = random.nextBoolean() ? EXTRA : "rnn.weight_ih_l1";
        yield new Mutation("an added tensor", SafeTensorsBytes.withTensor(valid, name, "F32", 1 + random.nextInt(6)));
      }
      case 8 -> random.nextBoolean() ? hugeHeader(header, data, random) : lyingHeaderLength(valid, random);
      default -> sparse(header, data, random);
    };
  }

  private static String shiftOffsets(String header, SplittableRandom random) {
    List<MatchResult> all = matches(OFFSETS, header);
    MatchResult m = all.get(random.nextInt(all.size()));
    long begin = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    long shift = (random.nextBoolean() ? 4 : 1) * (random.nextInt(9) - 4);
    switch (random.nextInt(3)) {
      case 0 -> begin += shift;
      case 1 -> end += shift;
      default -> {
        begin += shift;
        end += shift;
      }
    }
    return header.substring(0, m.start()) + "\"data_offsets\":[" + Math.max(0, begin) + ","
        + Math.max(0, end) + "]" + header.substring(m.end());
  }

  private static String swapOffsets(String header, SplittableRandom random) {
    List<MatchResult> all = matches(OFFSETS, header);
    int a = random.nextInt(all.size());
    int b = random.nextInt(all.size());
    MatchResult first = all.get(Math.min(a, b));
    MatchResult second = all.get(Math.max(a, b));
    if (first.start() == second.start()) {
      return header;
    }
    return header.substring(0, first.start()) + second.group() + header.substring(first.end(), second.start())
        + first.group() + header.substring(second.end());
  }

  private static String nullBeforeAKey(String header, SplittableRandom random) {
    List<MatchResult> keys = matches(KEY, header);
    MatchResult key = keys.get(random.nextInt(keys.size()));
    return header.substring(0, key.start()) + key.group() + "null," + header.substring(key.start());
  }

  private static String repeatAnEntry(String header, SplittableRandom random) {
    List<MatchResult> keys = matches(KEY, header);
    MatchResult key = keys.get(random.nextInt(keys.size()));
    int close = header.indexOf('}', key.end());
    return header.substring(0, close + 1) + "," + header.substring(key.start(), close + 1)
        + header.substring(close + 1);
  }

  /** An entry whose shape holds up to 100 000 numbers: ones (it loads, ignored) or sevens. */
  private static Mutation hugeHeader(String header, byte[] data, SplittableRandom random) {
    long[] shape = new long[1 + random.nextInt(100_000)];
    Arrays.fill(shape, random.nextBoolean() ? 1 : 7);
    String name = random.nextBoolean() ? EXTRA : "other";
    return new Mutation("a header of numbers", SafeTensorsBytes.of(
        SafeTensorsBytes.withEntry(header, name, "U8", shape, data.length, data.length + 1),
        Arrays.copyOf(data, data.length + 1)));
  }

  private static Mutation lyingHeaderLength(byte[] valid, SplittableRandom random) {
    long[] lies = {-1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, SafeTensorsHeader.MAX_HEADER_BYTES + 1,
        valid.length, random.nextLong()};
    byte[] bytes = valid.clone();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, lies[random.nextInt(lies.length)]);
    return new Mutation("a lying header length", bytes, bytes.length + (random.nextBoolean() ? 3 * GIB : 0));
  }

  /** A file of up to 4 GiB: an ignored tensor that fills it (loads), or one that claims more. */
  private static Mutation sparse(String header, byte[] data, SplittableRandom random) {
    long big = GIB + random.nextLong(3 * GIB);
    long claimed = random.nextInt(3) == 0 ? big + 1 + random.nextLong(GIB) : big;
    byte[] bytes = SafeTensorsBytes.of(
        SafeTensorsBytes.withEntry(header, EXTRA, "U8", new long[] {claimed}, data.length, data.length + claimed),
        data);
    return new Mutation("a sparse file of several GiB", bytes, bytes.length + big);
  }

  private static List<MatchResult> matches(Pattern pattern, String text) {
    return pattern.matcher(text).results().toList();
  }
}
