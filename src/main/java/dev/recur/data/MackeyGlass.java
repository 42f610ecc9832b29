package dev.recur.data;

/**
 * The Mackey-Glass delay differential equation, the standard chaotic benchmark series:
 *
 * <pre>
 * dx/dt = β x(t-τ) / (1 + x(t-τ)ⁿ) - γ x(t),    β = 0.2, γ = 0.1, n = 10, τ = 17
 * </pre>
 *
 * integrated with fourth-order Runge-Kutta at step 0.1 (the delayed term read from the stored
 * history, midpoints averaged linearly), from x = 1.2 with a constant history x(t ≤ 0) = 1.2, and
 * sampled once per time unit after discarding a transient of 500 time units.
 */
public final class MackeyGlass {

  /** β, the gain of the delayed feedback. */
  public static final double BETA = 0.2;
  /** γ, the decay rate. */
  public static final double GAMMA = 0.1;
  /** n, the exponent of the delayed term. */
  public static final int POWER = 10;
  /** τ, the delay in time units. */
  public static final int TAU = 17;
  /** The Runge-Kutta step, in time units. */
  public static final double DT = 0.1;
  /** x(0), and the constant history x(t ≤ 0). */
  public static final double INITIAL = 1.2;
  /** Time units integrated and discarded before the first sample. */
  public static final int TRANSIENT = 500;

  private static final int PER_UNIT = (int) Math.round(1 / DT);

  private MackeyGlass() {}

  /** Samples of the CLI's MACKEY_GLASS task: {@code train} windows them, {@code eval} holds out the end. */
  public static final int TASK_LENGTH = 1500;

  /** What {@link #centred} subtracts: about the series' mean (0.9), so inputs straddle zero. */
  public static final double CENTRE = 0.9;

  /**
   * {@code length} samples minus {@link #CENTRE}, as floats: what {@code recur train} and {@code
   * eval --task MACKEY_GLASS} feed a model, so both see the same numbers.
   *
   * @param length the number of samples, ≥ 1
   * @return a new array of {@code length} values x(t) − {@link #CENTRE}, one per time unit
   * @throws IllegalArgumentException if {@code length} &lt; 1
   */
  public static float[] centred(int length) {
    double[] raw = series(length);
    float[] centred = new float[length];
    for (int i = 0; i < length; i++) {
      centred[i] = (float) (raw[i] - CENTRE);
    }
    return centred;
  }

  /**
   * {@code length} samples, one per time unit, after the transient.
   *
   * @param length the number of samples, ≥ 1
   * @return a new array of x(t) for t = 0, 1, …, length − 1 time units after the transient
   * @throws IllegalArgumentException if {@code length} &lt; 1
   */
  public static double[] series(int length) {
    return series(length, TRANSIENT, PER_UNIT);
  }

  /** The series with another transient and another number of integration steps per time unit. */
  static double[] series(int length, int transientUnits, int stepsPerUnit) {
    if (length < 1) {
      throw new IllegalArgumentException("length must be ≥ 1; got " + length);
    }
    double dt = 1.0 / stepsPerUnit;
    int delay = TAU * stepsPerUnit; // τ in integration steps
    int total = (transientUnits + length) * stepsPerUnit;
    double[] x = new double[delay + total + 1]; // x[delay] is t = 0
    java.util.Arrays.fill(x, 0, delay + 1, INITIAL);
    for (int i = delay; i < delay + total; i++) {
      double lagNow = x[i - delay];
      double lagNext = x[i - delay + 1];
      double lagMid = (lagNow + lagNext) / 2;
      double k1 = slope(x[i], lagNow);
      double k2 = slope(x[i] + dt / 2 * k1, lagMid);
      double k3 = slope(x[i] + dt / 2 * k2, lagMid);
      double k4 = slope(x[i] + dt * k3, lagNext);
      x[i + 1] = x[i] + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    double[] samples = new double[length];
    for (int s = 0; s < length; s++) {
      samples[s] = x[delay + (transientUnits + s) * stepsPerUnit];
    }
    return samples;
  }

  /** The right-hand side, dx/dt at state x with delayed value lag. */
  static double slope(double x, double lag) {
    return BETA * lag / (1 + Math.pow(lag, POWER)) - GAMMA * x;
  }
}
