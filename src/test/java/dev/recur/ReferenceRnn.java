package dev.recur;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only Elman RNN in double precision, written straight from the equations with plain loops
 * over one sequence, one layer and one direction at a time: no kernels, no batching tricks, no
 * hoisted products, no joined rows. It computes the loss only; the gradient checks differentiate
 * it numerically.
 *
 * <p>Its tensors are copies of a {@link Parameters}' in the same order and layout, as mutable
 * {@code double[]}s, so a finite-difference check can nudge one entry at a time.
 */
final class ReferenceRnn {

  final RnnConfig config;
  final double[][] tensors;
  /** The same arrays as {@link #tensors}, by name. */
  private final Map<String, double[]> byName = new HashMap<>();
  /** The seed of the dropout masks between layers, or null for none (evaluation). */
  private Long dropoutSeed;

  ReferenceRnn(Parameters parameters) {
    config = parameters.config();
    List<Tensor> list = parameters.tensors();
    tensors = new double[list.size()][];
    for (int i = 0; i < list.size(); i++) {
      tensors[i] = toDouble(list.get(i).values());
      byName.put(list.get(i).name(), tensors[i]);
    }
  }

  /**
   * Applies the dropout masks a training pass draws from {@code seed} (sequences numbered from 0),
   * so that the loss is the one such a pass minimises.
   */
  ReferenceRnn withDropout(long seed) {
    dropoutSeed = seed;
    return this;
  }

  static double[] toDouble(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }

  /** The problem a loss is computed on; inputs and initial state are doubles so they can be nudged. */
  record Problem(
      int steps,
      int batch,
      double[] dense,
      int[] tokens,
      boolean[] mask,
      double[] initialHidden,
      Loss loss,
      Targets targets) {}

  /**
   * The batch loss as {@link ElmanRnn#loss} defines it: mean over sequences of the sum of per-step
   * losses (at every real step, or at the last step).
   */
  double loss(Problem problem) {
    return run(problem, null);
  }

  /**
   * Every layer's and direction's state after its last step, in {@link Workspace#finalHidden()}'s
   * layout (for one layer in one direction: B·H, sequence b at b·H).
   */
  double[] stateAfter(Problem problem) {
    double[] states = new double[config.layers() * config.directions() * problem.batch()
        * config.hiddenSize()];
    run(problem, states);
    return states;
  }

  private double run(Problem problem, double[] finalStates) {
    int hidden = config.hiddenSize();
    int out = config.outputSize();
    int directions = config.directions();
    int width = config.stateWidth();
    double total = 0;
    for (int b = 0; b < problem.batch(); b++) {
      double[][] x = bottomInputs(problem, b);
      for (int l = 0; l < config.layers(); l++) {
        double[][] next = new double[problem.steps()][width];
        for (int d = 0; d < directions; d++) {
          int unit = l * directions + d;
          double[] h = new double[hidden];
          if (problem.initialHidden() != null) {
            int from = (unit * problem.batch() + b) * hidden;
            System.arraycopy(problem.initialHidden(), from, h, 0, hidden);
          }
          for (int i = 0; i < problem.steps(); i++) {
            int t = d == 0 ? i : problem.steps() - 1 - i;
            if (problem.mask() == null || problem.mask()[t * problem.batch() + b]) {
              h = step(l, d, x[t], h);
            } // padding: the state is carried
            System.arraycopy(h, 0, next[t], d * hidden, hidden);
          }
          if (finalStates != null) {
            System.arraycopy(h, 0, finalStates, (unit * problem.batch() + b) * hidden, hidden);
          }
          if (d == 1) { // trailing padding outputs the state at the sequence's last real step
            int last = lastRealStep(problem, b);
            for (int t = last + 1; last >= 0 && t < problem.steps(); t++) {
              System.arraycopy(next[last], hidden, next[t], hidden, hidden);
            }
          }
        }
        if (dropoutSeed != null && l < config.layers() - 1) {
          float[] scale = new float[width];
          for (int t = 0; t < problem.steps(); t++) {
            Dropout.drawRow(dropoutSeed, config.dropout(), l, t, b, scale, 0, width);
            for (int j = 0; j < width; j++) {
              next[t][j] *= scale[j];
            }
          }
        }
        x = next;
      }
      if (problem.targets() == null) {
        continue; // only the states are wanted
      }
      int firstStep = problem.targets().firstStep(problem.steps());
      for (int t = 0; t < problem.steps(); t++) {
        boolean real = problem.mask() == null || problem.mask()[t * problem.batch() + b];
        boolean lossHere =
            problem.targets().everyStep() ? real && t >= firstStep : t == problem.steps() - 1;
        if (lossHere) {
          int target = (t - firstStep) * problem.batch() + b;
          total += stepLoss(problem.loss(), head(x[t], out), problem.targets(), target);
        }
      }
    }
    return total / problem.batch();
  }

  private static int lastRealStep(Problem problem, int b) {
    int t = problem.steps() - 1;
    while (t >= 0 && problem.mask() != null && !problem.mask()[t * problem.batch() + b]) {
      t--;
    }
    return t;
  }

  /** Sequence b's input vectors: dense rows, one-hot tokens, or rows of the embedding. */
  private double[][] bottomInputs(Problem problem, int b) {
    int in = config.inputSize();
    double[][] x = new double[problem.steps()][];
    for (int t = 0; t < problem.steps(); t++) {
      int row = t * problem.batch() + b;
      if (config.hasEmbedding()) {
        int e = config.embeddingSize();
        x[t] = java.util.Arrays.copyOfRange(byName.get("E"), problem.tokens()[row] * e,
            (problem.tokens()[row] + 1) * e);
      } else if (problem.tokens() != null) {
        x[t] = new double[in];
        x[t][problem.tokens()[row]] = 1;
      } else {
        x[t] = java.util.Arrays.copyOfRange(problem.dense(), row * in, (row + 1) * in);
      }
    }
    return x;
  }

  /** {@code f(b_h + W_x x + W_h h)} of layer l in direction d. */
  private double[] step(int l, int d, double[] x, double[] h) {
    int hidden = config.hiddenSize();
    String suffix = Parameters.tensorSuffix(config, l, d);
    double[] wx = byName.get("W_x" + suffix);
    double[] wh = byName.get("W_h" + suffix);
    double[] next = new double[hidden];
    for (int i = 0; i < hidden; i++) {
      double a = switch (config.bias()) {
        case NONE -> 0;
        case SINGLE -> byName.get("b_h" + suffix)[i];
        case PYTORCH_PAIR -> byName.get("b_ih" + suffix)[i] + byName.get("b_hh" + suffix)[i];
      };
      for (int j = 0; j < x.length; j++) {
        a += wx[i * x.length + j] * x[j];
      }
      for (int j = 0; j < hidden; j++) {
        a += wh[i * hidden + j] * h[j];
      }
      next[i] = activate(config.activation(), a);
    }
    return next;
  }

  /** {@code z = W_y x + b_y}, or x itself without a head. */
  private double[] head(double[] x, int out) {
    if (!config.head()) {
      return x.clone();
    }
    double[] wy = byName.get("W_y");
    double[] z = new double[out];
    for (int o = 0; o < out; o++) {
      z[o] = config.headBias() ? byName.get("b_y")[o] : 0;
      for (int j = 0; j < x.length; j++) {
        z[o] += wy[o * x.length + j] * x[j];
      }
    }
    return z;
  }

  static double activate(Activation f, double a) {
    return switch (f) {
      case TANH -> Math.tanh(a);
      case SIGMOID -> 1 / (1 + Math.exp(-a));
      case RELU -> Math.max(a, 0);
    };
  }

  private double stepLoss(Loss loss, double[] z, Targets targets, int row) {
    int out = z.length;
    double[] y = output(config.output(), z);
    switch (loss) {
      case CROSS_ENTROPY:
        return -Math.log(y[targets.classes()[row]]);
      case BINARY_CROSS_ENTROPY: {
        double sum = 0;
        for (int o = 0; o < out; o++) {
          double d = targets.values()[row * out + o];
          sum -= d * Math.log(y[o]) + (1 - d) * Math.log(1 - y[o]);
        }
        return sum;
      }
      default: {
        double sum = 0;
        for (int o = 0; o < out; o++) {
          double e = targets.values()[row * out + o] - y[o];
          sum += e * e;
        }
        return switch (loss) {
          case SQUARED_ERROR -> sum;
          case HALF_SQUARED_ERROR -> sum / 2;
          default -> sum / out;
        };
      }
    }
  }

  static double[] output(OutputFunction g, double[] z) {
    double[] y = new double[z.length];
    switch (g) {
      case IDENTITY -> System.arraycopy(z, 0, y, 0, z.length);
      case SIGMOID -> {
        for (int i = 0; i < z.length; i++) {
          y[i] = 1 / (1 + Math.exp(-z[i]));
        }
      }
      case SOFTMAX -> {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
          y[i] = Math.exp(z[i] - max);
          sum += y[i];
        }
        for (int i = 0; i < z.length; i++) {
          y[i] /= sum;
        }
      }
    }
    return y;
  }
}
