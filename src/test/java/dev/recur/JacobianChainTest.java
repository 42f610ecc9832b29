package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lecture defines the recurrent gradient as an explicit sum over Jacobian chains,
 *
 * <pre>
 * ∂L/∂W_h = Σ_t Σ_{k≤t} (∂L_t/∂h_t) (Π_{j=k+1..t} ∂h_j/∂h_{j-1}) ∂⁺h_k/∂W_h ,
 * ∂h_j/∂h_{j-1} = diag(f'(a_j)) W_h ,   ∂⁺h_k,p/∂W_h[p,q] = f'(a_k)_p h_{k-1,q}
 * </pre>
 *
 * (and the same for W_x with x_k in place of h_{k-1}, for b_h with 1). This test builds every
 * Jacobian as an explicit H×H matrix and every chain product from scratch, O(T²) products in
 * double precision, and shows that the O(T) pass of {@link ElmanRnn#backward} gives the same
 * numbers (bound as in {@link GradientCheckTest}).
 */
class JacobianChainTest {

  private static final int IN = 3;
  private static final int HIDDEN = 4;
  private static final int OUT = 2;
  private static final int STEPS = 6;

  @ParameterizedTest
  @EnumSource(Activation.class)
  void linearTimePassEqualsTheSumOverJacobianChains(Activation activation) {
    RnnConfig config =
        RnnConfig.builder(IN, HIDDEN, OUT).activation(activation).bias(Bias.SINGLE).seed(7).build();
    Parameters weights = Parameters.initialize(config);
    Random random = new Random(11);
    float[] x = TestProblems.gaussian(random, STEPS * IN);
    float[] h0 = TestProblems.gaussian(random, HIDDEN);
    float[] d = TestProblems.gaussian(random, STEPS * OUT);

    ElmanRnn model = new ElmanRnn(weights);
    Workspace ws = model.workspace(STEPS, 1);
    model.forward(ws, Inputs.dense(x, STEPS), h0);
    Parameters gradients = Parameters.zeros(config);
    model.backward(ws, Loss.SQUARED_ERROR, Targets.everyStep(d), gradients);

    double[] wx = ReferenceRnn.toDouble(weights.inputWeights());
    double[] wh = ReferenceRnn.toDouble(weights.recurrentWeights());
    double[] bh = ReferenceRnn.toDouble(weights.hiddenBias());
    double[] wy = ReferenceRnn.toDouble(weights.outputWeights());
    double[] by = ReferenceRnn.toDouble(weights.outputBias());

    // Forward in double, keeping h_t (h[0] is h_{-1}) and f'(a_t).
    double[][] h = new double[STEPS + 1][];
    double[][] slope = new double[STEPS][HIDDEN];
    h[0] = ReferenceRnn.toDouble(h0);
    for (int t = 0; t < STEPS; t++) {
      h[t + 1] = new double[HIDDEN];
      for (int p = 0; p < HIDDEN; p++) {
        double a = bh[p];
        for (int q = 0; q < IN; q++) {
          a += wx[p * IN + q] * x[t * IN + q];
        }
        for (int q = 0; q < HIDDEN; q++) {
          a += wh[p * HIDDEN + q] * h[t][q];
        }
        h[t + 1][p] = ReferenceRnn.activate(activation, a);
        slope[t][p] = derivative(activation, a);
      }
    }

    double[][] dLdhTotal = new double[STEPS][HIDDEN]; // ∂L/∂h_k = Σ_{t≥k} ∂L_t/∂h_k
    double[] dWh = new double[HIDDEN * HIDDEN];
    double[] dWx = new double[HIDDEN * IN];
    double[] dbh = new double[HIDDEN];
    for (int t = 0; t < STEPS; t++) {
      // ∂L_t/∂h_t = W_yᵀ ∂L_t/∂z_t, with L_t = Σ_o (z_o - d_o)² (identity output)
      double[] dLdh = new double[HIDDEN];
      for (int o = 0; o < OUT; o++) {
        double z = by[o];
        for (int q = 0; q < HIDDEN; q++) {
          z += wy[o * HIDDEN + q] * h[t + 1][q];
        }
        double dz = 2 * (z - d[t * OUT + o]);
        for (int q = 0; q < HIDDEN; q++) {
          dLdh[q] += wy[o * HIDDEN + q] * dz;
        }
      }
      for (int k = 0; k <= t; k++) {
        double[] chain = identity();
        for (int j = t; j > k; j--) {
          chain = multiply(chain, jacobian(slope[j], wh)); // Π_{j=k+1..t} ∂h_j/∂h_{j-1}
        }
        double[] dLdhk = rowTimesMatrix(dLdh, chain); // ∂L_t/∂h_k
        for (int p = 0; p < HIDDEN; p++) {
          dLdhTotal[k][p] += dLdhk[p];
        }
        for (int p = 0; p < HIDDEN; p++) {
          double immediate = dLdhk[p] * slope[k][p];
          for (int q = 0; q < HIDDEN; q++) {
            dWh[p * HIDDEN + q] += immediate * h[k][q];
          }
          for (int q = 0; q < IN; q++) {
            dWx[p * IN + q] += immediate * x[k * IN + q];
          }
          dbh[p] += immediate;
        }
      }
    }

    GradientCheckTest.assertGradient("W_h", dWh, gradients.recurrentWeights());
    GradientCheckTest.assertGradient("W_x", dWx, gradients.inputWeights());
    GradientCheckTest.assertGradient("b_h", dbh, gradients.hiddenBias());
    assertEquals(HIDDEN, gradients.hiddenBias().length);
    for (int k = 0; k < STEPS; k++) {
      double norm = 0;
      for (double v : dLdhTotal[k]) {
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      assertEquals(norm, ws.hiddenGradientNorms()[k], 1e-4 * Math.max(1, norm), "‖∂L/∂h_" + k + "‖");
    }
  }

  private static double derivative(Activation f, double a) {
    return switch (f) {
      case TANH -> 1 - Math.tanh(a) * Math.tanh(a);
      case SIGMOID -> {
        double s = 1 / (1 + Math.exp(-a));
        yield s * (1 - s);
      }
      case RELU -> a > 0 ? 1 : 0;
    };
  }

  /** ∂h_j/∂h_{j-1} = diag(f'(a_j)) W_h, as an explicit H×H matrix. */
  private static double[] jacobian(double[] slope, double[] wh) {
    double[] j = new double[HIDDEN * HIDDEN];
    for (int p = 0; p < HIDDEN; p++) {
      for (int q = 0; q < HIDDEN; q++) {
        j[p * HIDDEN + q] = slope[p] * wh[p * HIDDEN + q];
      }
    }
    return j;
  }

  private static double[] identity() {
    double[] m = new double[HIDDEN * HIDDEN];
    for (int p = 0; p < HIDDEN; p++) {
      m[p * HIDDEN + p] = 1;
    }
    return m;
  }

  private static double[] multiply(double[] a, double[] b) {
    double[] c = new double[HIDDEN * HIDDEN];
    for (int p = 0; p < HIDDEN; p++) {
      for (int q = 0; q < HIDDEN; q++) {
        for (int r = 0; r < HIDDEN; r++) {
          c[p * HIDDEN + q] += a[p * HIDDEN + r] * b[r * HIDDEN + q];
        }
      }
    }
    return c;
  }

  private static double[] rowTimesMatrix(double[] row, double[] m) {
    double[] result = new double[HIDDEN];
    for (int q = 0; q < HIDDEN; q++) {
      for (int p = 0; p < HIDDEN; p++) {
        result[q] += row[p] * m[p * HIDDEN + q];
      }
    }
    return result;
  }
}
