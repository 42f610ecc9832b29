package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.RnnConfig;
import dev.recur.data.CsvSeries;
import dev.recur.data.MackeyGlass;
import dev.recur.data.SequenceSet;
import dev.recur.inference.Forecast;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The short version of the Mackey-Glass result: trained for a few seconds on the first 1200
 * samples, one-step-ahead prediction of the next 300 must clearly beat persistence (predicting
 * that the series stays where it is), the baseline any model must beat. The free-running forecast
 * is reported, not asserted: a short run does not hold the chaotic series for 84 steps.
 */
class MackeyGlassForecastTest {

  @Test
  void oneStepPredictionBeatsPersistence() {
    double[] raw = MackeyGlass.series(1500);
    float[] x = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      x[i] = (float) (raw[i] - 0.9); // centred: the attractor spans roughly 0.4 .. 1.3
    }
    SequenceSet train = new CsvSeries(1, Arrays.copyOf(x, 1200)).windows(60, 10, true);
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(1, 32, 1).seed(2).build());
    new Trainer(model, Adam.adam(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(16).epochs(30)
        .clipNorm(1f).seed(1).build())
        .fit(train, train.slice(0, 16), e -> {});

    InferenceModel frozen = new InferenceModel(model.weights());
    RnnStream stream = frozen.newStream();
    for (int t = 0; t < 1200; t++) {
      stream.step(new float[] {x[t]});
    }
    float[] predicted = new float[299];
    float[] persistence = new float[299];
    float[] truth = new float[299];
    for (int t = 1200; t < 1499; t++) {
      predicted[t - 1200] = stream.step(new float[] {x[t]})[0];
      persistence[t - 1200] = x[t];
      truth[t - 1200] = x[t + 1];
    }
    double model1 = Forecast.nrmse(predicted, truth);
    double baseline = Forecast.nrmse(persistence, truth);
    // measured here: model ≈ 0.05, persistence 0.146
    assertTrue(model1 < 0.5 * baseline, "one-step NRMSE " + model1 + ", persistence " + baseline);

    float[] free = Forecast.freeRun(frozen, Arrays.copyOfRange(x, 1000, 1300), 84);
    assertEquals(84, free.length);
  }
}
