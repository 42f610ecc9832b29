package dev.recur.kernel;


/**
 * Plain-Java kernels: the reference every vector kernel is tested against, and the fallback
 * where the Vector API cannot be used. This class never links against {@code
 * jdk.incubator.vector}.
 */
public final class ScalarKernels implements Kernels {

  static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public String description() {
    return "scalar (plain Java)";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum = Math.fma(a[aOff + i], b[bOff + i], sum);
    }
    return sum;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void scale(float alpha, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  @Override
  public float sumOfSquares(float[] x, int xOff, int n) {
    return dot(x, xOff, x, xOff, n);
  }

  @Override
  public float maxAbs(float[] x, int xOff, int n) {
    float max = 0f;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.abs(x[xOff + i]));
    }
    return max;
  }

  @Override
  public void clamp(float[] x, int xOff, int n, float limit) {
    for (int i = 0; i < n; i++) {
      x[xOff + i] = Math.clamp(x[xOff + i], -limit, limit);
    }
  }

  @Override
  public void matVec(
      float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < rows; i++) {
      y[yOff + i] += dot(a, aOff + i * cols, x, xOff, cols);
    }
  }

  @Override
  public void matTransVec(
      float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < rows; i++) {
      axpy(x[xOff + i], a, aOff + i * cols, y, yOff, cols);
    }
  }

  @Override
  public void matTransVecBf16(
      int[] pairs, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < rows; i++) {
      float xi = x[xOff + i];
      int row = (i >> 1) * cols;
      boolean upper = (i & 1) == 0;
      for (int j = 0; j < cols; j++) {
        int pair = pairs[row + j];
        y[yOff + j] = Math.fma(upper ? Bf16.upper(pair) : Bf16.lower(pair), xi, y[yOff + j]);
      }
    }
  }

  @Override
  public void addBf16Row(int[] pairs, int row, int cols, float[] y, int yOff) {
    int from = (row >> 1) * cols;
    boolean upper = (row & 1) == 0;
    for (int j = 0; j < cols; j++) {
      int pair = pairs[from + j];
      y[yOff + j] += upper ? Bf16.upper(pair) : Bf16.lower(pair);
    }
  }

  @Override
  public void matTransVecInt8(
      byte[] q, float[] scales, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int j = 0; j < cols; j++) {
      float acc = 0f;
      for (int i = 0; i < rows; i++) {
        acc = Math.fma(q[i * cols + j], x[xOff + i], acc);
      }
      y[yOff + j] = Math.fma(scales[j], acc, y[yOff + j]);
    }
  }

  @Override
  public void addInt8Row(byte[] q, float[] scales, int row, int cols, float[] y, int yOff) {
    for (int j = 0; j < cols; j++) {
      y[yOff + j] = Math.fma(scales[j], q[row * cols + j], y[yOff + j]);
    }
  }

  @Override
  public void matMul(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        axpy(a[aOff + i * k + p], b, bOff + p * n, c, cOff + i * n, n);
      }
    }
  }

  @Override
  public void matMulTransB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    for (int i = 0; i < m; i++) {
      matVec(b, bOff, n, k, a, aOff + i * k, c, cOff + i * n);
    }
  }

  @Override
  public void matMulTransA(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < m; i++) {
        axpy(a[aOff + p * m + i], b, bOff + p * n, c, cOff + i * n, n);
      }
    }
  }

  @Override
  public void activate(Nonlinearity f, float[] in, int inOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = activate(f, in[inOff + i]);
    }
  }

  /** {@code f(a)} for one value; the definition the vector kernels are compared with. */
  static float activate(Nonlinearity f, float a) {
    return switch (f) {
      case TANH -> (float) Math.tanh(a);
      case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-a)));
      case RELU -> Math.max(a, 0f);
    };
  }

  @Override
  public void activationBackward(
      Nonlinearity f, float[] h, int hOff, float[] dh, int dhOff, float[] da, int daOff, int n) {
    for (int i = 0; i < n; i++) {
      float out = h[hOff + i];
      float derivative =
          switch (f) {
            case TANH -> Math.fma(-out, out, 1f); // 1 - h², without rounding h² first
            case SIGMOID -> out * (1f - out);
            case RELU -> out > 0f ? 1f : 0f;
          };
      da[daOff + i] = dh[dhOff + i] * derivative;
    }
  }

  @Override
  public void softmax(float[] z, int zOff, float[] out, int outOff, int n) {
    float max = max(z, zOff, n);
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(z[zOff + i] - max);
      out[outOff + i] = e;
      sum += e;
    }
    scale(1f / sum, out, outOff, n);
  }

  @Override
  public void logSoftmax(float[] z, int zOff, float[] out, int outOff, int n) {
    float max = max(z, zOff, n);
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += (float) Math.exp(z[zOff + i] - max);
    }
    float shift = max + (float) Math.log(sum);
    for (int i = 0; i < n; i++) {
      out[outOff + i] = z[zOff + i] - shift;
    }
  }

  private static float max(float[] x, int off, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[off + i]);
    }
    return max;
  }
}
