package dev.recur.train;

import dev.recur.data.SequenceSet;
import java.util.zip.CRC32C;

/**
 * A CRC32C over training data, so that a checkpoint made on one data set is not resumed on
 * another (another file, another --steps, another generator seed).
 */
final class DataFingerprint {

  private DataFingerprint() {}

  /** The shape and checksum of a sequence set, as a setting's text. */
  static String of(SequenceSet set) {
    CRC32C crc = new CRC32C();
    if (set.inputs() != null) {
      update(crc, set.inputs());
    } else {
      update(crc, set.tokens());
    }
    update(crc, set.targets());
    if (set.mask() != null) {
      for (boolean real : set.mask()) {
        crc.update(real ? 1 : 0);
      }
    }
    return set.count() + " sequences of " + set.steps() + " steps, " + set.inputSize() + " in, "
        + set.outputSize() + " out, CRC32C " + String.format("%08x", (int) crc.getValue());
  }

  /** The CRC32C of a token stream (each token as 4 little-endian bytes). */
  static int of(int[] tokens) {
    CRC32C crc = new CRC32C();
    update(crc, tokens);
    return (int) crc.getValue();
  }

  private static void update(CRC32C crc, int[] values) {
    for (int v : values) {
      crc.update(v);
      crc.update(v >>> 8);
      crc.update(v >>> 16);
      crc.update(v >>> 24);
    }
  }

  private static void update(CRC32C crc, float[] values) {
    for (float v : values) {
      int bits = Float.floatToIntBits(v);
      crc.update(bits);
      crc.update(bits >>> 8);
      crc.update(bits >>> 16);
      crc.update(bits >>> 24);
    }
  }
}
