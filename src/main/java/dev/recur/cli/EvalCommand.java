package dev.recur.cli;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.data.AddingProblem;
import dev.recur.data.MackeyGlass;
import dev.recur.data.SequenceSet;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Sgd;
import dev.recur.train.Forecast;
import dev.recur.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recur eval MODEL}: scores a trained model on fresh data — the adding problem (test MSE
 * against the 1/6 baseline) or Mackey-Glass (one-step and free-running NRMSE on the held-out end
 * of the series, the part {@code train} never sees).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Score a model: ADDING (test MSE on fresh sequences) or MACKEY_GLASS (one-step and"
        + " free-running NRMSE on the held-out end of the series).")
final class EvalCommand implements Callable<Integer> {

  enum Task { ADDING, MACKEY_GLASS }

  @Parameters(index = "0", description = "the model") Path model;

  @Option(names = "--task", required = true) Task task;

  @Option(names = "--steps", defaultValue = "50", description = "ADDING: sequence length") int steps;

  @Option(names = "--count", defaultValue = "10000", description = "ADDING: test sequences") int count;

  @Option(names = "--seed", defaultValue = "12345", description = "ADDING: test data seed") long seed;

  @Option(names = "--horizon", defaultValue = "84", description = "MACKEY_GLASS: free-running steps")
  int horizon;

  @Mixin ModelFiles files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    dev.recur.Parameters weights = files.load(model);
    PrintWriter out = spec.commandLine().getOut();
    switch (task) {
      case ADDING -> {
        SequenceSet test = AddingProblem.generate(count, steps, seed);
        ElmanRnn rnn = new ElmanRnn(weights);
        double mse = new Trainer(rnn, Sgd.plain(weights.config()), new Trainer.Settings(
            256, 1, Loss.MEAN_SQUARED_ERROR, 0f, 0f, LearningRateSchedule.constant(0f), 0, 1))
            .evaluate(test);
        out.printf("adding problem T=%d, %d test sequences: MSE %.5f (always answering 1: %.5f)%n",
            steps, count, mse, AddingProblem.BASELINE_MSE);
      }
      case MACKEY_GLASS -> {
        double[] raw = MackeyGlass.series(1500);
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
          x[i] = (float) (raw[i] - 0.9); // as train centres it
        }
        InferenceModel frozen = new InferenceModel(weights);
        RnnStream stream = frozen.newStream();
        int heldOut = 1200; // train uses the first 80% of its windows; this end is never trained on
        for (int t = 0; t < heldOut; t++) {
          stream.step(new float[] {x[t]});
        }
        float[] predicted = new float[raw.length - heldOut - 1];
        float[] truth = new float[predicted.length];
        for (int t = heldOut; t < raw.length - 1; t++) {
          predicted[t - heldOut] = stream.step(new float[] {x[t]})[0];
          truth[t - heldOut] = x[t + 1];
        }
        float[] free = Forecast.freeRun(frozen, Arrays.copyOfRange(x, heldOut - 300, heldOut), horizon);
        float[] freeTruth = Arrays.copyOfRange(x, heldOut, heldOut + horizon);
        out.printf("Mackey-Glass τ=17: one-step NRMSE %.4f over %d steps; free-running %d-step NRMSE"
            + " %.4f after teacher forcing%n", Forecast.nrmse(predicted, truth), predicted.length,
            horizon, Forecast.nrmse(free, freeTruth));
      }
    }
    out.flush();
    return 0;
  }
}
