package dev.recur;

/**
 * Inverted dropout between recurrent layers, as PyTorch's {@code nn.RNN(dropout=p)} applies it in
 * training: each input of layers 1…L−1 is zeroed with probability p and the kept ones are scaled
 * by {@code 1/(1−p)}, so no rescaling is needed when dropout is off.
 *
 * <p>Each mask entry is a pure function of (seed, layer boundary, step, sequence, unit), drawn
 * with {@link SplitMix64#mix} and no generator state: the sequence is numbered within the whole
 * minibatch, so the shards of a data-parallel update draw the same masks whatever their number
 * and whichever thread runs them.
 */
final class Dropout {

  private Dropout() {}

  /**
   * Fills {@code scale} ({@code width} values from {@code off}) with 0 or {@code 1/(1−p)} for
   * the row of {@code sequence} at {@code step} above layer {@code boundary}.
   */
  static void drawRow(long seed, float p, int boundary, int step, int sequence, float[] scale,
      int off, int width) {
    long key = SplitMix64.mix(seed + boundary * SplitMix64.GOLDEN_GAMMA);
    key = SplitMix64.mix(key + step * SplitMix64.GOLDEN_GAMMA);
    key = SplitMix64.mix(key + sequence * SplitMix64.GOLDEN_GAMMA);
    float kept = 1f / (1f - p);
    for (int j = 0; j < width; j++) {
      // the top 24 bits as a uniform float in [0, 1)
      float uniform = (SplitMix64.mix(key + (j + 1) * SplitMix64.GOLDEN_GAMMA) >>> 40) * 0x1p-24f;
      scale[off + j] = uniform < p ? 0f : kept;
    }
  }
}
