package dev.recur;

/**
 * Steele, Lea and Flood's SplitMix64: a generator whose whole state is one {@code long}, so a
 * checkpoint can save and restore it exactly (which {@link java.util.SplittableRandom} does not
 * allow). Shared by everything recur draws at random after initialization: the trainer's
 * shuffling, sampling text, dropout masks.
 */
public final class SplitMix64 {

  private long state;

  /**
   * A generator starting from {@code state} (a seed, or a state saved earlier).
   *
   * @param state any 64-bit value: a seed, or what {@link #state()} returned
   */
  public SplitMix64(long state) {
    this.state = state;
  }

  /**
   * The whole state: a generator made from it continues exactly as this one.
   *
   * @return the 64-bit state
   */
  public long state() {
    return state;
  }

  /**
   * The next 64 random bits.
   *
   * @return a uniformly distributed long; advances the state by {@link #GOLDEN_GAMMA}
   */
  public long nextLong() {
    return mix(state += GOLDEN_GAMMA);
  }

  /** The increment between states: 2⁶⁴ divided by the golden ratio, odd. */
  public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  /**
   * SplitMix64's output function on its own: 64 well-mixed bits from {@code z}, so a value keyed
   * by several numbers (a dropout mask entry, say) can be drawn with no generator object.
   *
   * @param z the key, any 64-bit value
   * @return its mixed bits (a bijection of {@code z})
   */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Uniform in {@code [0, bound)}: the top 32 bits scaled by the bound (Lemire's method).
   *
   * @param bound the exclusive upper end, ≥ 1 (not checked: a bound below 1 gives meaningless
   *     values)
   * @return a value in [0, bound)
   */
  public int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }
}
