package dev.recur;

import java.util.Objects;

/**
 * The shape and settings of an Elman RNN: an optional embedding, {@code L} recurrent layers, each
 * in one direction or both, and an optional linear head. For layer {@code l} and direction
 * {@code d} (→ forward, ← reverse):
 *
 * <pre>
 * x⁰_t = x_t, or E[token_t] with an embedding       E: V×E
 * a_t = W_x x^l_t + W_h h_{t∓1} + b_h                W_x: H×I_l, W_h: H×H  (t−1 forward, t+1 reverse)
 * h_t = f(a_t)                                       f: {@link Activation}
 * x^{l+1}_t = [h→_t ; h←_t]                           (forward values first, as PyTorch concatenates)
 * z_t = W_y x^L_t + b_y, or z_t = x^L_t without head  W_y: O×(D·H)
 * ŷ_t = g(z_t)                                       g: {@link OutputFunction}
 * </pre>
 *
 * where {@code I_0} is I (or E) and {@code I_l} = D·H above, D = 2 when bidirectional. The
 * default (one layer, one direction, no embedding, a head) is the notes' network. Invalid values
 * are rejected by the constructor with an {@link IllegalArgumentException} naming the field,
 * what it must be, and what came. Build one with {@link #builder(int, int, int)}.
 *
 * @param inputSize I, the length of {@code x_t}, or the vocabulary size V for token inputs
 * @param hiddenSize H, the length of each layer's {@code h_t} per direction
 * @param outputSize O, the length of {@code z_t} and {@code ŷ_t}; D·H without a head
 * @param activation the hidden nonlinearity f
 * @param output the output function g
 * @param bias which biases the recurrent layers have (PyTorch's {@code bias} of {@code nn.RNN})
 * @param initializer how {@link Parameters#initialize} draws the weights
 * @param identityScale the diagonal of {@code W_h} for {@link Initializer#IDENTITY} (1 in Le et
 *     al.); ignored otherwise
 * @param seed the seed of the weight initialisation, so the same config gives the same weights
 * @param layers L ≥ 1, the recurrent layers (PyTorch's {@code num_layers})
 * @param bidirectional whether each layer also runs from the last step back, with its own weights
 * @param embeddingSize E, the width of an embedding table for token inputs; 0 for none (a token
 *     then selects a column of layer 0's {@code W_x})
 * @param head whether a linear head maps the top layer's states to the outputs
 * @param headBias whether the head has {@code b_y} (PyTorch's {@code bias} of {@code nn.Linear})
 * @param dropout the probability of zeroing each input of layers 1…L−1 during training
 *     (PyTorch's {@code dropout}); 0 for none, never applied when serving or evaluating
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
    long seed,
    int layers,
    boolean bidirectional,
    int embeddingSize,
    boolean head,
    boolean headBias,
    float dropout) {

  /**
   * Largest size of one dimension: keeps every weight matrix (at most 2²⁴ × … entries) and every
   * unrolled state array indexable by an {@code int}.
   */
  public static final int MAX_SIZE = 1 << 16;

  /** The most recurrent layers a model may have. */
  public static final int MAX_LAYERS = 64;

  /**
   * A configuration as given; {@link #builder} supplies the defaults.
   *
   * @throws IllegalArgumentException naming the first size or setting that is out of range or
   *     contradicts another
   * @throws NullPointerException if an enum setting is null
   */
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
    if (layers < 1 || layers > MAX_LAYERS) {
      throw new IllegalArgumentException(
          "layers must be between 1 and " + MAX_LAYERS + "; got " + layers);
    }
    if (embeddingSize != 0) {
      requireSize("embeddingSize (0 for none)", embeddingSize);
    }
    int stateWidth = (bidirectional ? 2 : 1) * hiddenSize;
    if (!head && outputSize != stateWidth) {
      throw new IllegalArgumentException(
          "without a head the outputs are the top layer's states: outputSize must be "
              + (bidirectional ? "2 × " : "") + "hiddenSize = " + stateWidth + "; got " + outputSize);
    }
    if (!head && headBias) {
      throw new IllegalArgumentException("headBias needs a head; this config has none");
    }
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1); got " + dropout);
    }
    if (dropout > 0f && layers == 1) {
      throw new IllegalArgumentException(
          "dropout acts between recurrent layers; a model of 1 layer has none (got dropout "
              + dropout + ")");
    }
    // the largest matrix: a layer's W_x (H×I, H×E or H×D·H), the embedding (V×E) or W_y (O×D·H)
    long widest = Math.max(Math.max(inputSize, outputSize), Math.max(stateWidth, embeddingSize));
    long largest = Math.max((long) hiddenSize * widest, Math.max(
        (long) inputSize * embeddingSize, (long) outputSize * stateWidth));
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

  /**
   * D: 2 for a bidirectional model, else 1.
   *
   * @return the number of directions, 1 or 2
   */
  public int directions() {
    return bidirectional ? 2 : 1;
  }

  /**
   * D·H: the width of one step of a layer's output (both directions' states side by side).
   *
   * @return D·H
   */
  public int stateWidth() {
    return directions() * hiddenSize;
  }

  /**
   * The index {@code l·D + d} of layer {@code layer} in {@code direction} (0 forward, 1 reverse):
   * the order of every per-layer array (weights, states, initial states, {@code h_n}).
   *
   * @param layer l, in [0, L)
   * @param direction d, 0 (forward) or 1 (reverse, bidirectional models only)
   * @return {@code l·D + d}, in [0, L·D)
   * @throws IndexOutOfBoundsException if the layer or the direction is out of range
   */
  public int unit(int layer, int direction) {
    if (layer < 0 || layer >= layers || direction < 0 || direction >= directions()) {
      throw new IndexOutOfBoundsException("layer " + layer + " direction " + direction
          + " of a model of " + layers + " layers × " + directions() + " directions");
    }
    return layer * directions() + direction;
  }

  /**
   * Whether tokens go through an embedding table (else they select columns of W_x).
   *
   * @return true if {@code embeddingSize} &gt; 0
   */
  public boolean hasEmbedding() {
    return embeddingSize > 0;
  }

  /**
   * {@code I_l}: the width of layer l's input, I (or E) for layer 0, D·H above it.
   *
   * @param layer l, in [0, L)
   * @return the number of columns of that layer's {@code W_x}
   * @throws IndexOutOfBoundsException if the layer is out of range
   */
  public int layerInputSize(int layer) {
    if (layer < 0 || layer >= layers) {
      throw new IndexOutOfBoundsException("layer " + layer + " of a model of " + layers);
    }
    return layer > 0 ? stateWidth() : hasEmbedding() ? embeddingSize : inputSize;
  }

  /**
   * The number of weights a model of this configuration has, counted without making it: the
   * embedding (V·E), per layer l and direction {@code H·I_l + H·H} and the layer's biases (none,
   * H, or 2H), and the head {@code O·D·H} and {@code b_y}.
   *
   * @return the total number of trainable floats
   */
  public long parameterCount() {
    long h = hiddenSize;
    long biases = switch (bias) {
      case NONE -> 0;
      case SINGLE -> h;
      case PYTORCH_PAIR -> 2 * h;
    };
    long total = (long) inputSize * embeddingSize;
    for (int l = 0; l < layers; l++) {
      total += directions() * (h * layerInputSize(l) + h * h + biases);
    }
    if (head) {
      total += (long) outputSize * stateWidth();
    }
    return total + (headBias ? outputSize : 0);
  }

  /**
   * For messages: "2 layers, bidirectional, embedding 8, head without bias" and the like.
   *
   * @return the layers, directions, embedding and head, in words
   */
  public String structure() {
    return layers + " layer" + (layers == 1 ? "" : "s")
        + (bidirectional ? ", bidirectional" : "")
        + (hasEmbedding() ? ", embedding " + embeddingSize : "")
        + (head ? (headBias ? ", head with bias" : ", head without bias") : ", no head");
  }

  /**
   * A builder with the defaults: tanh, identity output, one bias, PyTorch init, seed 0.
   *
   * @param inputSize I, the input width or the vocabulary size, in [1, {@link #MAX_SIZE}]
   * @param hiddenSize H, the state width per direction, in [1, {@link #MAX_SIZE}]
   * @param outputSize O, the output width, in [1, {@link #MAX_SIZE}]; replaced by D·H with
   *     {@link Builder#noHead()}
   * @return a builder; the sizes are checked by {@link Builder#build()}
   */
  public static Builder builder(int inputSize, int hiddenSize, int outputSize) {
    return new Builder(inputSize, hiddenSize, outputSize);
  }

  /**
   * A builder starting from this config.
   *
   * @return a builder holding every setting of this config
   */
  public Builder toBuilder() {
    Builder builder = new Builder(inputSize, hiddenSize, outputSize)
        .activation(activation)
        .output(output)
        .bias(bias)
        .initializer(initializer)
        .identityScale(identityScale)
        .seed(seed)
        .layers(layers)
        .bidirectional(bidirectional)
        .embedding(embeddingSize)
        .dropout(dropout);
    return head ? builder.headBias(headBias) : builder.noHead();
  }

  /**
   * Mutable builder; {@link #build()} validates. The head's bias follows the layers' ({@link
   * Bias#NONE} or not) unless {@link #headBias} sets it.
   */
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
    private int layers = 1;
    private boolean bidirectional;
    private int embeddingSize;
    private boolean head = true;
    private Boolean headBias;
    private float dropout;

    private Builder(int inputSize, int hiddenSize, int outputSize) {
      this.inputSize = inputSize;
      this.hiddenSize = hiddenSize;
      this.outputSize = outputSize;
    }

    /**
     * The hidden layers' f (default {@link Activation#TANH}).
     *
     * @param activation the nonlinearity; null is refused by {@link #build()}
     * @return this builder
     */
    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    /**
     * The head's g (default {@link OutputFunction#IDENTITY}).
     *
     * @param output the output function; null is refused by {@link #build()}
     * @return this builder
     */
    public Builder output(OutputFunction output) {
      this.output = output;
      return this;
    }

    /**
     * The recurrent layers' biases (and the head's, unless {@link #headBias} says otherwise).
     *
     * @param bias none, one, or PyTorch's pair (default {@link Bias#SINGLE}); null is refused by
     *     {@link #build()}
     * @return this builder
     */
    public Builder bias(Bias bias) {
      this.bias = bias;
      return this;
    }

    /**
     * How {@link Parameters#initialize} draws the weights.
     *
     * @param initializer the scheme (default {@link Initializer#PYTORCH_UNIFORM}); null is refused
     *     by {@link #build()}
     * @return this builder
     */
    public Builder initializer(Initializer initializer) {
      this.initializer = initializer;
      return this;
    }

    /**
     * The diagonal value of {@link Initializer#IDENTITY}'s W_h.
     *
     * @param identityScale finite and &gt; 0 (default 1)
     * @return this builder
     */
    public Builder identityScale(float identityScale) {
      this.identityScale = identityScale;
      return this;
    }

    /**
     * The seed of the initial weights and of dropout.
     *
     * @param seed any value (default 0)
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * L, the recurrent layers stacked (at most {@link #MAX_LAYERS}).
     *
     * @param layers L, in [1, {@link #MAX_LAYERS}] (default 1)
     * @return this builder
     */
    public Builder layers(int layers) {
      this.layers = layers;
      return this;
    }

    /**
     * Whether each layer also runs backwards in time (D = 2).
     *
     * @param bidirectional true for D = 2 (default false)
     * @return this builder
     */
    public Builder bidirectional(boolean bidirectional) {
      this.bidirectional = bidirectional;
      return this;
    }

    /**
     * An embedding table of width E for token inputs; 0 for none.
     *
     * @param embeddingSize E, 0 or in [1, {@link #MAX_SIZE}] (default 0)
     * @return this builder
     */
    public Builder embedding(int embeddingSize) {
      this.embeddingSize = embeddingSize;
      return this;
    }

    /**
     * Whether the head has a bias, independently of the layers'. With {@link #noHead()} only
     * {@code false} is valid ({@link #build()} refuses {@code true}).
     *
     * @param headBias true for a {@code b_y}
     * @return this builder
     */
    public Builder headBias(boolean headBias) {
      this.headBias = headBias;
      return this;
    }

    /**
     * No head: the outputs are the top layer's states, so the builder's outputSize is replaced by
     * D·H; and so no head bias.
     *
     * @return this builder
     */
    public Builder noHead() {
      this.head = false;
      return this;
    }

    /**
     * The probability, in [0, 1), of zeroing an input to layers 1 and up, in training only.
     *
     * @param dropout in [0, 1) (default 0); more than 0 needs at least 2 layers
     * @return this builder
     */
    public Builder dropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    /**
     * The configuration.
     *
     * @return the validated configuration
     * @throws IllegalArgumentException as {@link RnnConfig#RnnConfig} does
     * @throws NullPointerException if an enum setting is null
     */
    public RnnConfig build() {
      int outputs = head ? outputSize : (bidirectional ? 2 : 1) * hiddenSize;
      boolean withHeadBias = headBias != null ? headBias : head && bias != Bias.NONE;
      // a head bias without a head is refused by the constructor, naming both
      return new RnnConfig(
          inputSize, hiddenSize, outputs, activation, output, bias, initializer, identityScale,
          seed, layers, bidirectional, embeddingSize, head, withHeadBias, dropout);
    }
  }
}
