package dev.recur;

import java.util.List;

/**
 * A test-only Elman RNN in double precision, written straight from the equations with plain loops
 * over one sequence at a time: no kernels, no batching tricks, no hoisted products. It computes
 * the loss only; the gradient checks differentiate it numerically.
 *
 * <p>Its tensors are copies of a {@link Parameters}' in the same order and layout, as mutable
 * {@code double[]}s, so a finite-difference check can nudge one entry at a time.
 */
final class ReferenceRnn {

  final RnnConfig config;
  final double[][] tensors;

  ReferenceRnn(Parameters parameters) {
    config = parameters.config();
    List<Tensor> list = parameters.tensors();
    tensors = new double[list.size()][];
    for (int i = 0; i < list.size(); i++) {
      tensors[i] = toDouble(list.get(i).values());
    }
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

  /** The hidden state of each sequence after the problem's last step (B·H, sequence b at b·H). */
  double[] stateAfter(Problem problem) {
    double[] states = new double[problem.batch() * config.hiddenSize()];
    run(problem, states);
    return states;
  }

  private double run(Problem problem, double[] finalStates) {
    int in = config.inputSize();
    int hidden = config.hiddenSize();
    int out = config.outputSize();
    double[] wx = tensors[0];
    double[] wh = tensors[1];
    double[] bh = hiddenBias();
    double[] wy = tensors[tensors.length - (config.bias() == Bias.NONE ? 1 : 2)];
    double[] by = config.bias() == Bias.NONE ? new double[out] : tensors[tensors.length - 1];

    double total = 0;
    for (int b = 0; b < problem.batch(); b++) {
      double[] h = new double[hidden];
      if (problem.initialHidden() != null) {
        System.arraycopy(problem.initialHidden(), b * hidden, h, 0, hidden);
      }
      for (int t = 0; t < problem.steps(); t++) {
        int row = t * problem.batch() + b;
        boolean real = problem.mask() == null || problem.mask()[row];
        if (real) {
          double[] next = new double[hidden];
          for (int i = 0; i < hidden; i++) {
            double a = bh[i];
            for (int j = 0; j < in; j++) {
              double x =
                  problem.tokens() != null
                      ? (problem.tokens()[row] == j ? 1 : 0)
                      : problem.dense()[row * in + j];
              a += wx[i * in + j] * x;
            }
            for (int j = 0; j < hidden; j++) {
              a += wh[i * hidden + j] * h[j];
            }
            next[i] = activate(config.activation(), a);
          }
          h = next;
        }
        if (problem.targets() == null) {
          continue; // only the states are wanted
        }
        int firstStep = problem.targets().firstStep(problem.steps());
        boolean lossHere =
            problem.targets().everyStep() ? real && t >= firstStep : t == problem.steps() - 1;
        if (lossHere) {
          double[] z = new double[out];
          for (int o = 0; o < out; o++) {
            z[o] = by[o];
            for (int j = 0; j < hidden; j++) {
              z[o] += wy[o * hidden + j] * h[j];
            }
          }
          int target = (t - firstStep) * problem.batch() + b;
          total += stepLoss(problem.loss(), z, problem.targets(), target);
        }
      }
      if (finalStates != null) {
        System.arraycopy(h, 0, finalStates, b * hidden, hidden);
      }
    }
    return total / problem.batch();
  }

  private double[] hiddenBias() {
    int hidden = config.hiddenSize();
    return switch (config.bias()) {
      case NONE -> new double[hidden];
      case SINGLE -> tensors[2];
      case PYTORCH_PAIR -> {
        double[] sum = new double[hidden];
        for (int i = 0; i < hidden; i++) {
          sum[i] = tensors[2][i] + tensors[3][i];
        }
        yield sum;
      }
    };
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
