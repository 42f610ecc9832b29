package consumer;

import dev.recur.ElmanRnn;
import dev.recur.Engine;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.data.AddingProblem;
import dev.recur.data.SequenceSet;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.LatencyRecorder;
import dev.recur.inference.RnnStream;
import dev.recur.io.ModelFile;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Uses every package recur exports (a package it did not export would fail this module's
 * compilation), checks that the kernel and layer packages stay hidden, then trains, saves, loads
 * and serves a small model. Exits 1 on any failed check.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    Module recur = Engine.class.getModule();
    check(recur.isNamed() && recur.getName().equals("dev.recur"),
        "recur was not loaded as the module dev.recur but as " + recur);
    for (String internal : new String[] {"dev.recur.kernel", "dev.recur.layer"}) {
      check(recur.getPackages().contains(internal), "recur has no package " + internal);
      check(!recur.isExported(internal), "recur exports its internal package " + internal);
    }
    check(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "requires dev.recur did not bring in jdk.incubator.vector");

    SequenceSet train = AddingProblem.generate(256, 10, 1);
    ElmanRnn model = new ElmanRnn(Parameters.initialize(RnnConfig.builder(2, 16, 1).seed(2).build()));
    Trainer.Settings settings = Trainer.Settings
        .builder(Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f))
        .batchSize(32).epochs(3).seed(3).build();
    Trainer.Result result = new Trainer(model, Adam.adam(model.config()), settings)
        .fit(train, train, epoch -> { });
    double firstLoss = result.epochs().get(0).validationLoss();
    double lastLoss = result.epochs().get(result.epochs().size() - 1).validationLoss();
    check(lastLoss < firstLoss, "training did not lower the loss: " + firstLoss + " -> " + lastLoss);

    Path file = Files.createTempFile("consumer", ".recur");
    try {
      ModelFile.save(file, result.best());
      InferenceModel served = new InferenceModel(ModelFile.load(file), Engine.PREFERRED, Precision.BF16);
      LatencyRecorder latency = new LatencyRecorder();
      try (RnnStream stream = served.newStream()) {
        stream.recordLatencyTo(latency);
        float[] output = null;
        for (int t = 0; t < 10; t++) {
          output = stream.step(new float[] {0.5f, t == 3 || t == 7 ? 1f : 0f});
        }
        check(Float.isFinite(output[0]), "the stream's output is " + output[0]);
      }
      Histogram steps = latency.intervalHistogram(null);
      check(steps.getTotalCount() == 10, steps.getTotalCount() + " steps recorded, not 10");
      System.out.printf("modulepath-consumer: %s; validation MSE %.4f -> %.4f; 10 steps served%n",
          served.engine().description(), firstLoss, lastLoss);
    } finally {
      Files.delete(file);
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      System.err.println("modulepath-consumer: " + message);
      System.exit(1);
    }
  }
}
