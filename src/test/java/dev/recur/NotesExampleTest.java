package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The course notes' worked example, in the notes' own notation: row vectors, no biases,
 *
 * <pre>
 * s_t = Φ(x_t W_x + s_{t-1} W_s),   y_t = s_t W_y,   E_3 = (d_3 - y_3)²
 * </pre>
 *
 * and the gradients at t = 3 as the notes spell them out, one chain-rule term per timestep that
 * W_s and W_x touch ("we need to consider timestep 3 as well as timestep 2 and timestep 1"). recur
 * stores column-convention matrices, so its W_x, W_h, W_y are the transposes of the notes' W_x,
 * W_s, W_y; the test maps one onto the other and compares.
 */
class NotesExampleTest {

  // notes' matrices (row-vector convention): W_x is 2×3 (input → state), W_s 3×3, W_y 3×1
  private static final double[][] WX = {{0.5, -0.3, 0.8}, {0.1, 0.4, -0.6}};
  private static final double[][] WS = {{0.2, -0.5, 0.3}, {0.7, 0.1, -0.2}, {-0.4, 0.6, 0.5}};
  private static final double[][] WY = {{0.9}, {-0.7}, {0.4}};
  private static final double[][] X = {{1.0, -0.5}, {0.3, 0.8}, {-0.9, 0.2}}; // x_1, x_2, x_3
  private static final double[] S0 = {0.1, -0.2, 0.3};
  private static final double D3 = 0.25;

  @Test
  void gradientsAtTimestepThree() {
    // Forward: s_1, s_2, s_3 and y_3 with Φ = tanh.
    double[] s1 = tanh(plus(times(X[0], WX), times(S0, WS)));
    double[] s2 = tanh(plus(times(X[1], WX), times(s1, WS)));
    double[] s3 = tanh(plus(times(X[2], WX), times(s2, WS)));
    double y3 = times(s3, WY)[0];
    double e3 = (D3 - y3) * (D3 - y3);

    // ∂E_3/∂y_3 and ∂E_3/∂W_y = s_3ᵀ ∂E_3/∂y_3 (one step of the chain rule, no BPTT)
    double dE3dy3 = -2 * (D3 - y3);
    double[][] dWy = outer(s3, new double[] {dE3dy3});

    // ∂E_3/∂s_3 = ∂E_3/∂y_3 W_yᵀ, then back through ∂s_3/∂s_2 and ∂s_2/∂s_1 (Φ' = 1 - s²).
    double[] dE3da3 = hadamard(scale(column(WY, 0), dE3dy3), tanhSlope(s3));
    double[] dE3da2 = hadamard(timesTransposed(dE3da3, WS), tanhSlope(s2));
    double[] dE3da1 = hadamard(timesTransposed(dE3da2, WS), tanhSlope(s1));

    // ∂E_3/∂W_s = (timestep 3) + (timestep 2) + (timestep 1)
    double[][] wsTerm3 = outer(s2, dE3da3);
    double[][] wsTerm2 = outer(s1, dE3da2);
    double[][] wsTerm1 = outer(S0, dE3da1);
    double[][] dWs = plus(plus(wsTerm3, wsTerm2), wsTerm1);
    // ∂E_3/∂W_x = (timestep 3) + (timestep 2) + (timestep 1)
    double[][] dWx = plus(plus(outer(X[2], dE3da3), outer(X[1], dE3da2)), outer(X[0], dE3da1));

    for (double[][] term : new double[][][] {wsTerm1, wsTerm2, wsTerm3}) {
      assertTrue(maxAbs(term) > 1e-3, "every timestep contributes to ∂E_3/∂W_s");
    }

    // recur, with the transposed matrices, no biases, loss at the last of three steps only.
    RnnConfig config =
        RnnConfig.builder(2, 3, 1).bias(Bias.NONE).output(OutputFunction.IDENTITY).build();
    Parameters weights = Parameters.zeros(config);
    copyTransposed(WX, weights.inputWeights());
    copyTransposed(WS, weights.recurrentWeights());
    copyTransposed(WY, weights.outputWeights());
    ElmanRnn model = new ElmanRnn(weights);
    Workspace ws = model.workspace(3, 1);
    float[] inputs = {1.0f, -0.5f, 0.3f, 0.8f, -0.9f, 0.2f};
    model.forward(ws, Inputs.dense(inputs, 3), new float[] {0.1f, -0.2f, 0.3f});
    Parameters gradients = Parameters.zeros(config);
    double loss = model.backward(ws, Loss.SQUARED_ERROR, Targets.lastStep(new float[] {0.25f}), gradients);

    assertEquals(e3, loss, 1e-6);
    assertEquals(y3, ws.outputs()[2], 1e-6);
    assertTransposedClose(dWy, gradients.outputWeights());
    assertTransposedClose(dWs, gradients.recurrentWeights());
    assertTransposedClose(dWx, gradients.inputWeights());
  }

  private static void assertTransposedClose(double[][] notes, float[] recur) {
    int rows = notes.length;
    int cols = notes[0].length;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        // the notes' (i, j) is recur's (j, i); float rounding of O(1) values bounds the gap
        assertEquals(notes[i][j], recur[j * rows + i], 1e-6, "entry (" + i + ", " + j + ")");
      }
    }
  }

  private static void copyTransposed(double[][] notes, float[] recur) {
    int rows = notes.length;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < notes[0].length; j++) {
        recur[j * rows + i] = (float) notes[i][j];
      }
    }
  }

  private static double[] times(double[] row, double[][] m) {
    double[] result = new double[m[0].length];
    for (int j = 0; j < result.length; j++) {
      for (int i = 0; i < row.length; i++) {
        result[j] += row[i] * m[i][j];
      }
    }
    return result;
  }

  private static double[] timesTransposed(double[] row, double[][] m) {
    double[] result = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < row.length; j++) {
        result[i] += row[j] * m[i][j];
      }
    }
    return result;
  }

  private static double[] plus(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] + b[i];
    }
    return c;
  }

  private static double[][] plus(double[][] a, double[][] b) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = plus(a[i], b[i]);
    }
    return c;
  }

  private static double[] tanh(double[] a) {
    double[] s = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = Math.tanh(a[i]);
    }
    return s;
  }

  private static double[] tanhSlope(double[] s) {
    double[] slope = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      slope[i] = 1 - s[i] * s[i];
    }
    return slope;
  }

  private static double[] hadamard(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] * b[i];
    }
    return c;
  }

  private static double[] scale(double[] a, double factor) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] * factor;
    }
    return c;
  }

  private static double[] column(double[][] m, int j) {
    double[] c = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i][j];
    }
    return c;
  }

  private static double[][] outer(double[] a, double[] b) {
    double[][] c = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        c[i][j] = a[i] * b[j];
      }
    }
    return c;
  }

  private static double maxAbs(double[][] m) {
    double max = 0;
    for (double[] row : m) {
      for (double v : row) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }
}
