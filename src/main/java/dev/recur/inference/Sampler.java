package dev.recur.inference;

import dev.recur.SplitMix64;
import java.util.Objects;

/**
 * Generates tokens from a softmax model: feeds a prime, then repeatedly draws the next token from
 * {@code softmax(z / temperature)} and feeds it back. Temperature 1 samples the model's own
 * distribution; lower sharpens it towards the most likely token, higher flattens it.
 */
public final class Sampler {

  private final InferenceModel model;
  private final SplitMix64 random;

  /**
   * A sampler of {@code model}'s outputs, its draws seeded by {@code seed}.
   *
   * @param model a unidirectional token model whose outputs are logits over the vocabulary
   * @param seed seeds the draws; the same seed, prime and settings give the same tokens
   * @throws NullPointerException if {@code model} is null
   */
  public Sampler(InferenceModel model, long seed) {
    this.model = Objects.requireNonNull(model, "model");
    this.random = new SplitMix64(seed);
  }

  /**
   * {@code length} tokens following {@code prime} (at least one token), drawn at {@code
   * temperature} &gt; 0.
   *
   * @param prime tokens in [0, I) fed before sampling, at least one; not modified
   * @param length the number of tokens to draw, ≥ 0
   * @param temperature the divisor of the logits, finite and &gt; 0
   * @return a new array of {@code length} drawn tokens, each in [0, O)
   * @throws IllegalArgumentException if the prime is empty or holds a token out of range, {@code
   *     length} is negative, or the temperature is not finite and positive
   * @throws IllegalStateException if the model is bidirectional
   * @throws NullPointerException if {@code prime} is null
   */
  public int[] sample(int[] prime, int length, double temperature) {
    Objects.requireNonNull(prime, "prime");
    if (prime.length == 0 || length < 0 || !(temperature > 0 && Double.isFinite(temperature))) {
      throw new IllegalArgumentException(
          "need a prime of at least one token, length ≥ 0 and a finite temperature > 0; got "
              + prime.length + " tokens, length " + length + ", temperature " + temperature);
    }
    RnnStream stream = model.newStream();
    float[] logits = null;
    for (int token : prime) {
      stream.step(token);
      logits = stream.logits();
    }
    int vocabulary = model.config().outputSize();
    double[] weights = new double[vocabulary];
    int[] out = new int[length];
    for (int i = 0; i < length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < vocabulary; k++) {
        max = Math.max(max, logits[k] / temperature);
      }
      double total = 0;
      for (int k = 0; k < vocabulary; k++) {
        weights[k] = Math.exp(logits[k] / temperature - max);
        total += weights[k];
      }
      double u = (random.nextLong() >>> 11) * 0x1.0p-53 * total;
      int next = vocabulary - 1;
      for (int k = 0; k < vocabulary; k++) {
        u -= weights[k];
        if (u < 0) {
          next = k;
          break;
        }
      }
      out[i] = next;
      stream.step(next);
      logits = stream.logits();
    }
    return out;
  }
}
