package dev.recur.cli;

import dev.recur.RnnConfig;
import dev.recur.io.FileBytes;

/**
 * Refuses a command whose arrays cannot fit the heap before it allocates them, with the estimate,
 * the limit and the options that size it. Estimates are computed in {@code long} (sizes that
 * overflow an {@code int} are exactly the ones to refuse) and saturate instead of wrapping.
 */
final class MemoryBudget {

  private MemoryBudget() {}

  /** Bytes of {@code count} floats (or ints), saturating at {@link Long#MAX_VALUE}. */
  static long floats(long... factors) {
    long product = 4;
    for (long factor : factors) {
      product = saturatingMultiply(product, factor);
    }
    return product;
  }

  /**
   * Floats a workspace holds per row of a batch (one step of one sequence), an upper bound: per
   * layer and direction the pre-activations and states and their deltas (4H), per layer the
   * joined rows of both directions, their deltas and a dropout mask (3·D·H, where there are
   * any), the embedded inputs and their deltas (2E), the logits, outputs and their deltas (3O),
   * and the inputs or their deltas (I).
   */
  static long valuesPerRow(RnnConfig config) {
    long units = (long) config.layers() * config.directions();
    boolean joined = config.bidirectional() || config.dropout() > 0;
    return units * 4L * config.hiddenSize()
        + (joined ? 3L * config.layers() * config.stateWidth() : 0)
        + 2L * config.embeddingSize() + 3L * config.outputSize() + config.inputSize();
  }

  static long sum(long... bytes) {
    long total = 0;
    for (long b : bytes) {
      total = b > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + b;
    }
    return total;
  }

  /**
   * Throws when {@code bytes} exceed the heap this JVM may use.
   *
   * @param what what the memory is for, e.g. "training a model of 400,000,000 weights"
   * @param options the options that size it, e.g. "--hidden, --steps or --batch"
   */
  static void require(long bytes, String what, String options) {
    long limit = Runtime.getRuntime().maxMemory();
    if (bytes > limit) {
      throw new IllegalArgumentException(what + " needs about " + FileBytes.describe(bytes)
          + " of memory, more than this JVM may use (" + FileBytes.describe(limit)
          + ", its -Xmx); use a smaller " + options + " or give the JVM more memory");
    }
  }

  private static long saturatingMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }
}
