package dev.recur;

import java.util.Objects;

/**
 * The shape and settings of an Elman RNN:
 *
 * <pre>
 * a_t = W_x x_t + W_h h_{t-1} + b_h      W_x: H×I, W_h: H×H
 * h_t = f(a_t)                           f: {@link Activation}
 * z_t = W_y h_t + b_y                    W_y: O×H
 * ŷ_t = g(z_t)                           g: {@link OutputFunction}
 * </pre>
 *
 * Invalid values are rejected by the constructor with an {@link IllegalArgumentException} naming
 * the field, what it must be, and what came. Build one with {@link #builder(int, int, int)}.
 *
 * @param inputSize I, the length of {@code x_t} (or the vocabulary size for token inputs)
 * @param hiddenSize H, the length of {@code h_t}
 * @param outputSize O, the length of {@code z_t} and {@code ŷ_t}
 * @param activation the hidden nonlinearity f
 * @param output the output function g
 * @param bias which biases exist
 * @param initializer how {@link Parameters#initialize} draws the weights
 * @param identityScale the diagonal of {@code W_h} for {@link Initializer#IDENTITY} (1 in Le et
 *     al.); ignored otherwise
 * @param seed the seed of the weight initialisation, so the same config gives the same weights
 */
public record RnnConfig(
    int inputSize,
    int hiddenSize,
    int outputSize,
    Activation activation,
    OutputFunction output,
    Bias bias,
    Initializer initializer,
    float identityScale,
    long seed) {

  /**
   * Largest size of one dimension: keeps every weight matrix (at most 2²⁴ × … entries) and every
   * unrolled state array indexable by an {@code int}.
   */
  public static final int MAX_SIZE = 1 << 16;

  public RnnConfig {
    requireSize("inputSize", inputSize);
    requireSize("hiddenSize", hiddenSize);
    requireSize("outputSize", outputSize);
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(bias, "bias");
    Objects.requireNonNull(initializer, "initializer");
    if (!(Float.isFinite(identityScale) && identityScale > 0f)) {
      throw new IllegalArgumentException(
          "identityScale must be a finite positive number; got " + identityScale);
    }
    long largest = (long) hiddenSize * Math.max(hiddenSize, Math.max(inputSize, outputSize));
    if (largest > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "weight matrices of "
              + largest
              + " entries do not fit a Java array; reduce hiddenSize ("
              + hiddenSize
              + ")");
    }
  }

  private static void requireSize(String name, int value) {
    if (value < 1 || value > MAX_SIZE) {
      throw new IllegalArgumentException(
          name + " must be between 1 and " + MAX_SIZE + "; got " + value);
    }
  }

  /** A builder with the defaults: tanh, identity output, one bias, PyTorch init, seed 0. */
  public static Builder builder(int inputSize, int hiddenSize, int outputSize) {
    return new Builder(inputSize, hiddenSize, outputSize);
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(inputSize, hiddenSize, outputSize)
        .activation(activation)
        .output(output)
        .bias(bias)
        .initializer(initializer)
        .identityScale(identityScale)
        .seed(seed);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final int inputSize;
    private final int hiddenSize;
    private final int outputSize;
    private Activation activation = Activation.TANH;
    private OutputFunction output = OutputFunction.IDENTITY;
    private Bias bias = Bias.SINGLE;
    private Initializer initializer = Initializer.PYTORCH_UNIFORM;
    private float identityScale = 1f;
    private long seed;

    private Builder(int inputSize, int hiddenSize, int outputSize) {
      this.inputSize = inputSize;
      this.hiddenSize = hiddenSize;
      this.outputSize = outputSize;
    }

    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    public Builder output(OutputFunction output) {
      this.output = output;
      return this;
    }

    public Builder bias(Bias bias) {
      this.bias = bias;
      return this;
    }

    public Builder initializer(Initializer initializer) {
      this.initializer = initializer;
      return this;
    }

    public Builder identityScale(float identityScale) {
      this.identityScale = identityScale;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public RnnConfig build() {
      return new RnnConfig(
          inputSize, hiddenSize, outputSize, activation, output, bias, initializer, identityScale,
          seed);
    }
  }
}
