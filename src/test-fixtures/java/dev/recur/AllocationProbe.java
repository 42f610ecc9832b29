package dev.recur;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Measures the bytes a piece of code allocates on the calling thread, with {@code
 * ThreadMXBean.getThreadAllocatedBytes}. Vector API code allocates its vector boxes until C2 has
 * compiled it, which takes ~10⁵ calls of a kernel and longer still when the compile queue is busy
 * (as late in a full test run on 2 cores), so the probe repeats rounds until one allocates nothing
 * or the time limit passes, and returns the fewest bytes any round allocated. Code that truly
 * allocates never reaches zero.
 */
public final class AllocationProbe {

  private static final Duration LIMIT = Duration.ofSeconds(60);

  private AllocationProbe() {}

  /** The fewest bytes any round of {@code callsPerRound} back-to-back calls of {@code code} allocated. */
  public static long fewestBytes(int callsPerRound, Runnable code) {
    return fewestBytes(callsPerRound, LIMIT, code);
  }

  /** As {@link #fewestBytes(int, Runnable)}, giving up after {@code limit}. */
  public static long fewestBytes(int callsPerRound, Duration limit, Runnable code) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long deadline = System.nanoTime() + limit.toNanos();
    long fewest = Long.MAX_VALUE;
    while (fewest > 0 && System.nanoTime() < deadline) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < callsPerRound; i++) {
        code.run();
      }
      fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
    }
    return fewest;
  }
}
