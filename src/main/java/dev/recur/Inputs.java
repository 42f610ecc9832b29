package dev.recur;

import java.util.Objects;

/**
 * The inputs of a batch of B equal-length sequences of T steps: dense vectors or token indices,
 * and an optional mask for sequences of different lengths.
 *
 * <p>Layout: step t of sequence b is row {@code r = t*B + b}; a dense input is {@code
 * values[r*I .. r*I + I)}, a token input is {@code tokens[r]} (standing for the one-hot vector with
 * a 1 at that index, which the model reads as a column of {@code W_x}, never as a product).
 *
 * <p>The mask marks real steps {@code true} and padding {@code false}. At a padding step the
 * sequence's hidden state is carried unchanged ({@code h_t = h_{t-1}}) and no loss is taken, so a
 * sequence padded at its end reaches the last step with the state of its own last real step.
 *
 * <p>The arrays are held, not copied: change them only between calls.
 */
public final class Inputs {

  private final int steps;
  private final int batch;
  private final float[] values;
  private final int[] tokens;
  private final boolean[] mask;

  private Inputs(int steps, int batch, float[] values, int[] tokens, boolean[] mask) {
    if (steps < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "steps and batch must be at least 1; got steps " + steps + ", batch " + batch);
    }
    if (tokens != null && tokens.length != steps * batch) {
      throw new IllegalArgumentException(
          "token count " + tokens.length + ", expected steps " + steps + " × batch " + batch
              + " = " + steps * batch);
    }
    if (mask != null && mask.length != steps * batch) {
      throw new IllegalArgumentException(
          "mask length " + mask.length + ", expected steps " + steps + " × batch " + batch
              + " = " + steps * batch);
    }
    this.steps = steps;
    this.batch = batch;
    this.values = values;
    this.tokens = tokens;
    this.mask = mask;
  }

  /**
   * Dense inputs: {@code values.length} must be {@code steps × batch × I} for the model used.
   *
   * @param values T·B·I finite floats, row {@code t·B + b} at {@code (t·B + b)·I}; held, not
   *     copied (length and finiteness are checked by each pass)
   * @param steps T, ≥ 1
   * @param batch B, ≥ 1
   * @return the inputs
   * @throws IllegalArgumentException if T or B is below 1
   * @throws NullPointerException if {@code values} is null
   */
  public static Inputs dense(float[] values, int steps, int batch) {
    return new Inputs(steps, batch, Objects.requireNonNull(values, "values"), null, null);
  }

  /**
   * One sequence of dense inputs.
   *
   * @param values T·I finite floats, step t at {@code t·I}; held, not copied
   * @param steps T, ≥ 1
   * @return the inputs, with B = 1
   * @throws IllegalArgumentException if T is below 1
   * @throws NullPointerException if {@code values} is null
   */
  public static Inputs dense(float[] values, int steps) {
    return dense(values, steps, 1);
  }

  /**
   * Token (one-hot) inputs, {@code steps × batch} indices in {@code [0, I)}.
   *
   * @param tokens T·B indices, row {@code t·B + b}; held, not copied (the range is checked by each
   *     pass)
   * @param steps T, ≥ 1
   * @param batch B, ≥ 1
   * @return the inputs
   * @throws IllegalArgumentException if T or B is below 1 or there are not T·B tokens
   * @throws NullPointerException if {@code tokens} is null
   */
  public static Inputs tokens(int[] tokens, int steps, int batch) {
    return new Inputs(steps, batch, null, Objects.requireNonNull(tokens, "tokens"), null);
  }

  /**
   * The same inputs with a mask of {@code steps × batch} entries ({@code true} = real step).
   *
   * @param mask T·B flags, row {@code t·B + b}; held, not copied
   * @return new inputs over the same arrays, with the mask
   * @throws IllegalArgumentException if the mask does not have T·B entries
   * @throws NullPointerException if {@code mask} is null
   */
  public Inputs withMask(boolean[] mask) {
    return new Inputs(steps, batch, values, tokens, Objects.requireNonNull(mask, "mask"));
  }

  /**
   * T, the steps of each sequence.
   *
   * @return T, ≥ 1
   */
  public int steps() {
    return steps;
  }

  /**
   * B, the sequences in the batch.
   *
   * @return B, ≥ 1
   */
  public int batch() {
    return batch;
  }

  /**
   * Whether these are token indices rather than dense vectors.
   *
   * @return true for {@link #tokens} inputs, false for {@link #dense} ones
   */
  public boolean isTokens() {
    return tokens != null;
  }

  float[] values() {
    return values;
  }

  int[] tokens() {
    return tokens;
  }

  /** The mask, or null when every step is real. */
  boolean[] mask() {
    return mask;
  }

  /** Checks these inputs against the model's input size I; called once per pass. */
  void validate(int inputSize) {
    if (tokens != null) {
      for (int r = 0; r < tokens.length; r++) {
        if (tokens[r] < 0 || tokens[r] >= inputSize) {
          throw new IllegalArgumentException(
              "token " + tokens[r] + " at step " + r / batch + ", sequence " + r % batch
                  + " is out of range; the model's vocabulary is [0, " + inputSize + ")");
        }
      }
    } else if (values.length != steps * batch * inputSize) {
      throw new IllegalArgumentException(
          "input length " + values.length + ", model expects steps " + steps + " × batch "
              + batch + " × inputSize " + inputSize + " = " + steps * batch * inputSize);
    } else {
      // once per pass, before any work: a NaN would silently fill every later state and output
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          int row = i / inputSize;
          throw new IllegalArgumentException("input " + values[i] + " at step " + row / batch
              + ", sequence " + row % batch + ", entry " + i % inputSize
              + "; inputs must be finite");
        }
      }
    }
  }
}
