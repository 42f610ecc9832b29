package dev.recur.inference;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.SplitMix64;

/**
 * The 64-bit fingerprint of what a frozen model computes (see {@link
 * InferenceModel#fingerprint()}): the serving part of its configuration, then the bits of every
 * weight as given (before any rounding to a serving precision), the hidden biases as the frozen
 * layers sum them, each tensor preceded by its length. Every 64 bits go
 * through SplitMix64's mixer, chained, so any changed bit changes the result (a hash against
 * accidents, not against an adversary).
 */
final class ModelFingerprint {

  /** Where the chain starts: the format's own constant, so an empty input is not 0. */
  private static final long START = 0x7265637572534e50L; // "recurSNP"

  private long hash = START;

  private ModelFingerprint() {}

  /**
   * The fingerprint of the model {@code weights} freeze into: sizes, layers, direction,
   * embedding, head, activation and output function; then E, each layer's W_x, W_h and hidden
   * bias as the frozen layer sums it (b_ih + b_hh for {@link dev.recur.Bias#PYTORCH_PAIR}, zeros
   * for {@link dev.recur.Bias#NONE}), then W_y and b_y. Training-only settings (initializer,
   * seed, dropout) are left out.
   */
  static long of(Parameters weights) {
    RnnConfig config = weights.config();
    ModelFingerprint f = new ModelFingerprint();
    f.add(config.inputSize());
    f.add(config.hiddenSize());
    f.add(config.outputSize());
    f.add(config.layers());
    f.add(config.bidirectional() ? 1 : 0);
    f.add(config.embeddingSize());
    f.add(config.head() ? 1 : 0);
    f.add(config.headBias() ? 1 : 0);
    f.add(config.activation().name());
    f.add(config.output().name());
    f.add(weights.embedding());
    int hidden = config.hiddenSize();
    for (int l = 0; l < config.layers(); l++) {
      for (int d = 0; d < config.directions(); d++) {
        Parameters.LayerWeights layer = weights.layer(l, d);
        f.add(layer.inputWeights());
        f.add(layer.recurrentWeights());
        f.add(hidden);
        float[] first = layer.firstBias();
        float[] second = layer.secondBias();
        for (int i = 0; i < hidden; i++) {
          // the frozen layer's b_h (ElmanLayer sums the pair the same way)
          float b = first.length == 0 ? 0f : second.length == 0 ? first[i] : first[i] + second[i];
          f.add(Float.floatToRawIntBits(b) & 0xFFFF_FFFFL);
        }
      }
    }
    f.add(weights.outputWeights());
    f.add(weights.outputBias());
    return f.hash;
  }

  private void add(long value) {
    hash = SplitMix64.mix((hash + SplitMix64.GOLDEN_GAMMA) ^ value);
  }

  private void add(String text) {
    add(text.length());
    for (int i = 0; i < text.length(); i++) {
      add(text.charAt(i));
    }
  }

  /** The length, then the values' raw bits two at a time. */
  private void add(float[] values) {
    add(values.length);
    int i = 0;
    for (; i + 1 < values.length; i += 2) {
      add((long) Float.floatToRawIntBits(values[i]) << 32
          | (Float.floatToRawIntBits(values[i + 1]) & 0xFFFF_FFFFL));
    }
    if (i < values.length) {
      add(Float.floatToRawIntBits(values[i]) & 0xFFFF_FFFFL);
    }
  }
}
