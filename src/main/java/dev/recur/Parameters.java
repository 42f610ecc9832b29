package dev.recur;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The weights of an Elman RNN, or their gradients (the same shapes): flat row-major arrays, one
 * per tensor, so an optimizer is one loop over {@link #tensors()}. In order:
 *
 * <ul>
 *   <li>{@code E}: V×E, the embedding table (only with {@link RnnConfig#hasEmbedding()}), token
 *       v's vector at {@code v*E}
 *   <li>for each layer l and direction (forward, then reverse when bidirectional):
 *       <ul>
 *         <li>{@code W_x}: H×I_l, entry {@code (i, j)} at {@code i*I_l + j}
 *             ({@link RnnConfig#layerInputSize})
 *         <li>{@code W_h}: H×H, entry {@code (i, j)} at {@code i*H + j}
 *         <li>{@code b_h} (with {@link Bias#SINGLE}) or {@code b_ih} and {@code b_hh} (with
 *             {@link Bias#PYTORCH_PAIR}): H
 *       </ul>
 *   <li>{@code W_y}: O×(D·H), entry {@code (i, j)} at {@code i*D*H + j} (only with a head)
 *   <li>{@code b_y}: O (only with {@link RnnConfig#headBias()})
 * </ul>
 *
 * A model of one layer in one direction names its tensors as above. Otherwise each layer's
 * tensors carry the layer and, for the reverse direction, PyTorch's suffix: {@code W_x_l0},
 * {@code W_h_l1_reverse}, {@code b_ih_l2}. Absent tensors are empty arrays. Not thread-safe: one
 * writer at a time.
 *
 * <p>Every accessor that hands out an array ({@link #tensors()}, {@link #tensor}, {@link
 * #layer}, {@link #recurrentWeights()} and the rest) advances {@link #version()}, since the
 * caller may write through it; so does {@link #zero()} and {@link #copyFrom}. A model keeps
 * derived copies of its weights (transposed, biases summed) and makes them again only when the
 * version moved, that is once per optimizer step rather than once per pass. Code that keeps an
 * array and writes into it later must call {@link #markChanged()} after writing.
 */
public final class Parameters {

  /**
   * One direction of one recurrent layer: {@code W_x} (H×I_l), {@code W_h} (H×H), and the first
   * and second hidden bias (empty when absent; see {@link Bias}). Live arrays.
   *
   * @param inputWeights {@code W_x}, H×I_l row-major, entry (i, j) at {@code i*I_l + j}
   * @param recurrentWeights {@code W_h}, H×H row-major, entry (i, j) at {@code i*H + j}
   * @param firstBias {@code b_h} (or {@code b_ih} with {@link Bias#PYTORCH_PAIR}), H entries;
   *     empty with {@link Bias#NONE}
   * @param secondBias {@code b_hh}, H entries with {@link Bias#PYTORCH_PAIR}; empty otherwise
   */
  public record LayerWeights(
      float[] inputWeights, float[] recurrentWeights, float[] firstBias, float[] secondBias) {}

  private final RnnConfig config;
  private final float[] embedding;
  /** Layer l, direction d at {@code l * D + d}. */
  private final LayerWeights[] layers;
  private final float[] wy;
  private final float[] by;
  private final List<Tensor> tensors;
  private long version;

  private Parameters(RnnConfig config) {
    this.config = config;
    int hidden = config.hiddenSize();
    int out = config.outputSize();
    Bias bias = config.bias();
    List<Tensor> list = new ArrayList<>();
    embedding = new float[config.inputSize() * config.embeddingSize()];
    if (config.hasEmbedding()) {
      list.add(new Tensor("E", config.inputSize(), config.embeddingSize(), embedding));
    }
    int directions = config.directions();
    layers = new LayerWeights[config.layers() * directions];
    for (int l = 0; l < config.layers(); l++) {
      for (int d = 0; d < directions; d++) {
        int in = config.layerInputSize(l);
        LayerWeights layer = new LayerWeights(new float[hidden * in], new float[hidden * hidden],
            new float[bias == Bias.NONE ? 0 : hidden], new float[bias == Bias.PYTORCH_PAIR ? hidden : 0]);
        layers[l * directions + d] = layer;
        String suffix = tensorSuffix(config, l, d);
        list.add(new Tensor("W_x" + suffix, hidden, in, layer.inputWeights()));
        list.add(new Tensor("W_h" + suffix, hidden, hidden, layer.recurrentWeights()));
        switch (bias) {
          case SINGLE -> list.add(new Tensor("b_h" + suffix, hidden, 1, layer.firstBias()));
          case PYTORCH_PAIR -> {
            list.add(new Tensor("b_ih" + suffix, hidden, 1, layer.firstBias()));
            list.add(new Tensor("b_hh" + suffix, hidden, 1, layer.secondBias()));
          }
          case NONE -> {}
        }
      }
    }
    wy = new float[config.head() ? out * config.stateWidth() : 0];
    by = new float[config.headBias() ? out : 0];
    if (config.head()) {
      list.add(new Tensor("W_y", out, config.stateWidth(), wy));
    }
    if (config.headBias()) {
      list.add(new Tensor("b_y", out, 1, by));
    }
    tensors = List.copyOf(list);
  }

  /**
   * The suffix of layer l's tensors in direction d: none for a one-layer unidirectional model,
   * else {@code _l<l>} and {@code _reverse} for the reverse direction (PyTorch's naming).
   *
   * @param config the model's configuration (only its layer count and directions matter)
   * @param layer l, counting from 0; not checked against the config
   * @param direction d: 0 forward, 1 reverse
   * @return "" or a suffix such as {@code _l1} or {@code _l0_reverse}
   */
  public static String tensorSuffix(RnnConfig config, int layer, int direction) {
    if (config.layers() == 1 && !config.bidirectional()) {
      return "";
    }
    return "_l" + layer + (direction == 1 ? "_reverse" : "");
  }

  /**
   * All-zero parameters for the config: the starting point of a gradient accumulator.
   *
   * @param config the shapes to allocate
   * @return new parameters with every entry 0
   */
  public static Parameters zeros(RnnConfig config) {
    return new Parameters(config);
  }

  /**
   * Fresh weights drawn as {@link RnnConfig#initializer()} says, from {@link RnnConfig#seed()}:
   * the embedding (when there is one) from N(0, 1) as PyTorch's {@code nn.Embedding}, then the
   * layers in tensor order, then the head.
   *
   * @param config the shapes, the initializer and the seed; the same config gives the same weights
   * @return new, randomly initialised weights
   */
  public static Parameters initialize(RnnConfig config) {
    Parameters p = new Parameters(config);
    Random random = new Random(config.seed());
    int hidden = config.hiddenSize();
    int out = config.outputSize();
    int width = config.stateWidth();
    gaussian(random, p.embedding, 1.0);
    switch (config.initializer()) {
      case PYTORCH_UNIFORM -> {
        float pytorchBound = (float) (1 / Math.sqrt(hidden));
        for (Tensor t : p.tensors) {
          if (t.values() != p.embedding) {
            uniform(random, t.values(), pytorchBound);
          }
        }
      }
      case XAVIER_UNIFORM -> {
        for (int i = 0; i < p.layers.length; i++) {
          int in = config.layerInputSize(i / config.directions());
          uniform(random, p.layers[i].inputWeights(), glorotBound(in, hidden));
          uniform(random, p.layers[i].recurrentWeights(), glorotBound(hidden, hidden));
        }
        uniform(random, p.wy, glorotBound(width, out));
      }
      case ORTHOGONAL -> {
        for (int i = 0; i < p.layers.length; i++) {
          int in = config.layerInputSize(i / config.directions());
          uniform(random, p.layers[i].inputWeights(), glorotBound(in, hidden));
          orthogonal(random, p.layers[i].recurrentWeights(), hidden);
        }
        uniform(random, p.wy, glorotBound(width, out));
      }
      case IDENTITY -> {
        for (LayerWeights layer : p.layers) {
          gaussian(random, layer.inputWeights(), 0.001);
          for (int i = 0; i < hidden; i++) {
            layer.recurrentWeights()[i * hidden + i] = config.identityScale();
          }
        }
        gaussian(random, p.wy, 0.001);
      }
    }
    return p;
  }

  private static float glorotBound(int fanIn, int fanOut) {
    return (float) Math.sqrt(6.0 / (fanIn + fanOut));
  }

  private static void uniform(Random random, float[] values, float bound) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (random.nextFloat() * 2 - 1) * bound;
    }
  }

  private static void gaussian(Random random, float[] values, double deviation) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * deviation);
    }
  }

  /**
   * Fills the n×n row-major {@code target} with a random orthogonal matrix: Gram-Schmidt (the
   * modified, numerically stable form, in double) on the rows of a Gaussian matrix.
   */
  private static void orthogonal(Random random, float[] target, int n) {
    double[][] rows = new double[n][n];
    for (double[] row : rows) {
      for (int j = 0; j < n; j++) {
        row[j] = random.nextGaussian();
      }
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        double projection = 0;
        for (int j = 0; j < n; j++) {
          projection += rows[i][j] * rows[k][j];
        }
        for (int j = 0; j < n; j++) {
          rows[i][j] -= projection * rows[k][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < n; j++) {
        norm += rows[i][j] * rows[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < n; j++) {
        rows[i][j] /= norm;
        target[i * n + j] = (float) rows[i][j];
      }
    }
  }

  /**
   * The model's shape and settings.
   *
   * @return the configuration these parameters were made for
   */
  public RnnConfig config() {
    return config;
  }

  /**
   * Every tensor, in the order of the class comment.
   *
   * @return the present tensors (absent ones are left out), each over a live array; advances
   *     {@link #version()}
   */
  public List<Tensor> tensors() {
    version++;
    return tensors;
  }

  /**
   * The tensor with the given name.
   *
   * @param name a tensor name such as {@code W_h} or {@code b_ih_l1_reverse}
   * @return the tensor over its live array; advances {@link #version()}
   * @throws IllegalArgumentException if no tensor has that name (the message lists them)
   */
  public Tensor tensor(String name) {
    version++;
    for (Tensor t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "no tensor named '" + name + "'; this model has " + tensors.stream().map(Tensor::name).toList());
  }

  /**
   * Layer {@code layer}'s weights in {@code direction} (0 forward, 1 reverse).
   *
   * @param layer l, in [0, L)
   * @param direction d, 0 or (bidirectional only) 1
   * @return the unit's live arrays; advances {@link #version()}
   * @throws IndexOutOfBoundsException if the layer or the direction is out of range
   */
  public LayerWeights layer(int layer, int direction) {
    int unit = config.unit(layer, direction);
    version++;
    return layers[unit];
  }

  /**
   * E, V×E; empty without an embedding.
   *
   * @return the live table, row-major, token v's vector at {@code v*E}
   */
  public float[] embedding() {
    version++;
    return embedding;
  }

  /**
   * Layer 0's forward W_x, H×I (or H×E).
   *
   * @return the live array, row-major, entry (i, j) at {@code i*I + j}
   */
  public float[] inputWeights() {
    return layer(0, 0).inputWeights();
  }

  /**
   * Layer 0's forward W_h, H×H.
   *
   * @return the live array, row-major, entry (i, j) at {@code i*H + j}
   */
  public float[] recurrentWeights() {
    return layer(0, 0).recurrentWeights();
  }

  /**
   * Layer 0's forward b_h (or b_ih with {@link Bias#PYTORCH_PAIR}); empty with {@link Bias#NONE}.
   *
   * @return the live array of H entries, or an empty one
   */
  public float[] hiddenBias() {
    return layer(0, 0).firstBias();
  }

  /**
   * Layer 0's forward b_hh with {@link Bias#PYTORCH_PAIR}; empty otherwise.
   *
   * @return the live array of H entries, or an empty one
   */
  public float[] secondHiddenBias() {
    return layer(0, 0).secondBias();
  }

  /**
   * W_y, O×(D·H); empty without a head.
   *
   * @return the live array, row-major, entry (i, j) at {@code i*D*H + j}
   */
  public float[] outputWeights() {
    version++;
    return wy;
  }

  /**
   * b_y, O; empty without a head bias.
   *
   * @return the live array of O entries, or an empty one
   */
  public float[] outputBias() {
    version++;
    return by;
  }

  /**
   * How often these weights may have changed: advanced by every accessor that hands out an array
   * and by every method that writes. Equal versions mean equal contents.
   *
   * @return a counter that only grows, starting at 0
   */
  public long version() {
    return version;
  }

  /** Records a write made through an array taken earlier (see the class comment). */
  public void markChanged() {
    version++;
  }

  /** Sets every entry to zero (a gradient accumulator between steps). */
  public void zero() {
    version++;
    for (int i = 0; i < tensors.size(); i++) { // indexed: called once per training step
      Arrays.fill(tensors.get(i).values(), 0f);
    }
  }

  /**
   * Copies every entry of {@code other}, which must have the same config.
   *
   * @param other parameters with the same tensor names and shapes; not modified
   * @throws IllegalArgumentException if the tensors' names or shapes differ
   */
  public void copyFrom(Parameters other) {
    requireSameShape(other);
    version++;
    for (int i = 0; i < tensors.size(); i++) {
      float[] source = other.tensors.get(i).values();
      System.arraycopy(source, 0, tensors.get(i).values(), 0, source.length);
    }
  }

  /**
   * A deep copy.
   *
   * @return new parameters of the same config holding the same values
   */
  public Parameters copy() {
    Parameters copy = new Parameters(config);
    copy.copyFrom(this);
    return copy;
  }

  /** Throws unless {@code other} has the same tensors of the same shapes; allocates nothing. */
  void requireSameShape(Parameters other) {
    boolean same = other.tensors.size() == tensors.size();
    for (int i = 0; same && i < tensors.size(); i++) {
      Tensor mine = tensors.get(i);
      Tensor theirs = other.tensors.get(i);
      same = mine.rows() == theirs.rows() && mine.cols() == theirs.cols()
          && mine.name().equals(theirs.name());
    }
    if (!same) {
      throw new IllegalArgumentException(
          "parameters of shape " + describe(other) + " do not match " + describe(this));
    }
  }

  private static String describe(Parameters p) {
    return p.tensors.stream().map(t -> t.name() + " " + t.rows() + "×" + t.cols()).toList().toString();
  }
}
