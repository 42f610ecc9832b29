package dev.recur;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The weights of an Elman RNN, or their gradients (the same shapes): flat row-major arrays, one
 * per tensor, so an optimizer is one loop over {@link #tensors()}.
 *
 * <ul>
 *   <li>{@code W_x}: H×I, entry {@code (i, j)} at {@code i*I + j}
 *   <li>{@code W_h}: H×H, entry {@code (i, j)} at {@code i*H + j}
 *   <li>{@code b_h} (with {@link Bias#SINGLE}) or {@code b_ih} and {@code b_hh} (with {@link
 *       Bias#PYTORCH_PAIR}): H
 *   <li>{@code W_y}: O×H, entry {@code (i, j)} at {@code i*H + j}
 *   <li>{@code b_y}: O (absent with {@link Bias#NONE})
 * </ul>
 *
 * Absent biases are empty arrays. Not thread-safe: one writer at a time.
 *
 * <p>Every accessor that hands out an array ({@link #tensors()}, {@link #tensor}, {@link
 * #recurrentWeights()} and the rest) advances {@link #version()}, since the caller may write
 * through it; so does {@link #zero()} and {@link #copyFrom}. A model keeps derived copies of its
 * weights (transposed, biases summed) and makes them again only when the version moved, that is
 * once per optimizer step rather than once per pass. Code that keeps an array and writes into
 * it later must call {@link #markChanged()} after writing.
 */
public final class Parameters {

  private final RnnConfig config;
  private final float[] wx;
  private final float[] wh;
  private final float[] bih;
  private final float[] bhh;
  private final float[] wy;
  private final float[] by;
  private final List<Tensor> tensors;
  private long version;

  private Parameters(RnnConfig config) {
    this.config = config;
    int in = config.inputSize();
    int hidden = config.hiddenSize();
    int out = config.outputSize();
    Bias bias = config.bias();
    wx = new float[hidden * in];
    wh = new float[hidden * hidden];
    bih = new float[bias == Bias.NONE ? 0 : hidden];
    bhh = new float[bias == Bias.PYTORCH_PAIR ? hidden : 0];
    wy = new float[out * hidden];
    by = new float[bias == Bias.NONE ? 0 : out];
    List<Tensor> list = new ArrayList<>();
    list.add(new Tensor("W_x", hidden, in, wx));
    list.add(new Tensor("W_h", hidden, hidden, wh));
    switch (bias) {
      case SINGLE -> list.add(new Tensor("b_h", hidden, 1, bih));
      case PYTORCH_PAIR -> {
        list.add(new Tensor("b_ih", hidden, 1, bih));
        list.add(new Tensor("b_hh", hidden, 1, bhh));
      }
      case NONE -> {}
    }
    list.add(new Tensor("W_y", out, hidden, wy));
    if (bias != Bias.NONE) {
      list.add(new Tensor("b_y", out, 1, by));
    }
    tensors = List.copyOf(list);
  }

  /** All-zero parameters for the config: the starting point of a gradient accumulator. */
  public static Parameters zeros(RnnConfig config) {
    return new Parameters(config);
  }

  /** Fresh weights drawn as {@link RnnConfig#initializer()} says, from {@link RnnConfig#seed()}. */
  public static Parameters initialize(RnnConfig config) {
    Parameters p = new Parameters(config);
    Random random = new Random(config.seed());
    int in = config.inputSize();
    int hidden = config.hiddenSize();
    int out = config.outputSize();
    float pytorchBound = (float) (1 / Math.sqrt(hidden));
    switch (config.initializer()) {
      case PYTORCH_UNIFORM -> {
        for (Tensor t : p.tensors) {
          uniform(random, t.values(), pytorchBound);
        }
      }
      case XAVIER_UNIFORM -> {
        uniform(random, p.wx, glorotBound(in, hidden));
        uniform(random, p.wh, glorotBound(hidden, hidden));
        uniform(random, p.wy, glorotBound(hidden, out));
      }
      case ORTHOGONAL -> {
        uniform(random, p.wx, glorotBound(in, hidden));
        orthogonal(random, p.wh, hidden);
        uniform(random, p.wy, glorotBound(hidden, out));
      }
      case IDENTITY -> {
        gaussian(random, p.wx, 0.001);
        for (int i = 0; i < hidden; i++) {
          p.wh[i * hidden + i] = config.identityScale();
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

  public RnnConfig config() {
    return config;
  }

  /** Every tensor, in the order W_x, W_h, hidden bias(es), W_y, b_y. */
  public List<Tensor> tensors() {
    version++;
    return tensors;
  }

  /** The tensor with the given name. */
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

  /** W_x, H×I. */
  public float[] inputWeights() {
    version++;
    return wx;
  }

  /** W_h, H×H. */
  public float[] recurrentWeights() {
    version++;
    return wh;
  }

  /** b_h (or b_ih with {@link Bias#PYTORCH_PAIR}); empty with {@link Bias#NONE}. */
  public float[] hiddenBias() {
    version++;
    return bih;
  }

  /** b_hh with {@link Bias#PYTORCH_PAIR}; empty otherwise. */
  public float[] secondHiddenBias() {
    version++;
    return bhh;
  }

  /** W_y, O×H. */
  public float[] outputWeights() {
    version++;
    return wy;
  }

  /** b_y, O; empty with {@link Bias#NONE}. */
  public float[] outputBias() {
    version++;
    return by;
  }

  /**
   * How often these weights may have changed: advanced by every accessor that hands out an array
   * and by every method that writes. Equal versions mean equal contents.
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

  /** Copies every entry of {@code other}, which must have the same config. */
  public void copyFrom(Parameters other) {
    requireSameShape(other);
    version++;
    for (int i = 0; i < tensors.size(); i++) {
      float[] source = other.tensors.get(i).values();
      System.arraycopy(source, 0, tensors.get(i).values(), 0, source.length);
    }
  }

  /** A deep copy. */
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
