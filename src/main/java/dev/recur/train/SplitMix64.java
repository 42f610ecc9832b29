package dev.recur.train;

/**
 * Steele, Lea and Flood's SplitMix64: a generator whose whole state is one {@code long}, so a
 * checkpoint can save and restore it exactly (which {@link java.util.SplittableRandom} does not
 * allow).
 */
final class SplitMix64 {

  private long state;

  SplitMix64(long state) {
    this.state = state;
  }

  long state() {
    return state;
  }

  long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in {@code [0, bound)}: the top 32 bits scaled by the bound (Lemire's method). */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }
}
