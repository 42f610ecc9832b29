package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.recur.Bias;
import dev.recur.Parameters;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded random mutations of valid model files: bit flips, truncations, appended bytes, and
 * lengths or sizes overwritten with absurd values; half of them get a recomputed checksum so the
 * parser, not just the checksum, sees the lie. Loading must either succeed or throw {@link
 * InvalidModelFileException}: never another exception, never an {@link OutOfMemoryError}, never a
 * hang.
 *
 * <p>{@value #DEFAULT_ITERATIONS} mutations per file in the normal suite; the long mode runs as
 * many as {@code -Drecur.fuzz.iterations=N} says (for example a million).
 */
class ModelFileFuzzTest {

  private static final int DEFAULT_ITERATIONS = 3000;
  private static final Path NAME = Path.of("fuzzed.recur");

  @ParameterizedTest
  @EnumSource(Bias.class)
  void mutatedFilesLoadOrFailWithTheDocumentedException(Bias bias) {
    int iterations = Integer.getInteger("recur.fuzz.iterations", DEFAULT_ITERATIONS);
    byte[] valid = ModelFile.encode(new ModelFile.SavedModel(ModelFileTest.model(bias),
        java.util.Map.of(ModelFile.VOCABULARY, "abcdé\n"))).array();
    SplittableRandom random = new SplittableRandom(bias.ordinal() * 7919L + 1);
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(Duration.ofMinutes(iterations / 20_000 + 1), () -> {
      for (int i = 0; i < iterations; i++) {
        byte[] mutated = mutate(valid, random);
        try {
          Parameters loaded = ModelFile.decode(NAME, mutated).weights();
          assertTrue(loaded.tensors().size() >= 3);
          outcomes[0]++;
        } catch (InvalidModelFileException expected) {
          outcomes[1]++;
        } catch (Throwable other) {
          fail("mutation " + i + " threw " + other, other);
        }
      }
    });
    assertTrue(outcomes[1] > iterations / 2, "most mutations are rejected: " + Arrays.toString(outcomes));
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] bytes = valid.clone();
    switch (random.nextInt(4)) {
      case 0 -> { // flip 1 to 8 bits
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncate
      case 2 -> { // append garbage
        int extra = 1 + random.nextInt(64);
        bytes = Arrays.copyOf(bytes, bytes.length + extra);
        for (int i = bytes.length - extra; i < bytes.length; i++) {
          bytes[i] = (byte) random.nextInt(256);
        }
      }
      default -> { // an absurd int where a length or size may be
        if (bytes.length >= 16) {
          int offset = 8 + random.nextInt(Math.min(bytes.length - 12, 120));
          int[] lies = {-1, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_536, 1 << 20, random.nextInt()};
          ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, lies[random.nextInt(lies.length)]);
        }
      }
    }
    if (bytes.length >= 16 && random.nextBoolean()) {
      ModelFileTest.withChecksum(bytes);
    }
    return bytes;
  }
}
