package dev.recur.inference;

import java.util.Objects;

/** Time-series forecasting with a next-step model (inputs and outputs the same O variables). */
public final class Forecast {

  private Forecast() {}

  /**
   * Teacher-forces the model through {@code history} (steps × O values, the true series), then
   * runs free: each prediction is fed back as the next input, for {@code horizon} steps. Returns
   * the horizon × O predictions.
   *
   * @param model a unidirectional dense-input model whose input and output sizes are both O
   * @param history the true series, steps × O finite values, step t at {@code t·O}; at least one
   *     step; not modified
   * @param horizon the steps to predict past the history, ≥ 1
   * @return a new array of horizon × O predictions, step h at {@code h·O}
   * @throws IllegalArgumentException if the input and output sizes differ, the history is empty,
   *     not whole steps or not finite, or {@code horizon} &lt; 1
   * @throws IllegalStateException if the model is bidirectional
   * @throws NullPointerException if the model or the history is null
   */
  public static float[] freeRun(InferenceModel model, float[] history, int horizon) {
    Objects.requireNonNull(history, "history");
    int width = model.config().inputSize();
    if (model.config().outputSize() != width) {
      throw new IllegalArgumentException(
          "free running needs outputs shaped like inputs; got " + width + " in, "
              + model.config().outputSize() + " out");
    }
    if (history.length == 0 || history.length % width != 0 || horizon < 1) {
      throw new IllegalArgumentException(
          "need a history of whole steps of " + width + " values and a horizon ≥ 1; got "
              + history.length + " values, horizon " + horizon);
    }
    RnnStream stream = model.newStream();
    float[] next = null;
    float[] step = new float[width];
    for (int t = 0; t < history.length / width; t++) {
      System.arraycopy(history, t * width, step, 0, width);
      next = stream.step(step);
    }
    float[] forecast = new float[horizon * width];
    for (int h = 0; h < horizon; h++) {
      System.arraycopy(next, 0, forecast, h * width, width);
      System.arraycopy(next, 0, step, 0, width);
      next = stream.step(step);
    }
    return forecast;
  }

  /**
   * Normalised root-mean-square error: RMSE divided by the standard deviation of {@code truth}.
   *
   * @param predicted the predictions, one value per entry of {@code truth}
   * @param truth the true values, at least 2, in the same layout
   * @return √(Σ(p − d)² / Σ(d − mean d)²): 0 for a perfect forecast, 1 for always predicting the
   *     mean; infinite or NaN when {@code truth} is constant
   * @throws IllegalArgumentException if the lengths differ or are below 2
   * @throws NullPointerException if an array is null
   */
  public static double nrmse(float[] predicted, float[] truth) {
    if (predicted.length != truth.length || truth.length < 2) {
      throw new IllegalArgumentException(
          "need equal lengths of at least 2; got " + predicted.length + " and " + truth.length);
    }
    double mean = 0;
    for (float v : truth) {
      mean += v;
    }
    mean /= truth.length;
    double variance = 0;
    double squaredError = 0;
    for (int i = 0; i < truth.length; i++) {
      variance += (truth[i] - mean) * (truth[i] - mean);
      squaredError += (predicted[i] - truth[i]) * (double) (predicted[i] - truth[i]);
    }
    return Math.sqrt(squaredError / variance);
  }
}
