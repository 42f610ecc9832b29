package dev.recur.bench;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.RnnConfig;
import dev.recur.data.AddingProblem;
import dev.recur.data.SequenceSet;
import dev.recur.kernel.KernelSelection;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.train.Trainer;

/**
 * Data-parallel training speed-up: the same 2 shards per minibatch (so the same weights, bit for
 * bit) computed by 1 thread and by 2, on the adding problem (T = 64, batch 64, 2048 sequences, 2
 * epochs). Each setting runs twice; the second is the one to read (the first includes the JIT).
 *
 * <pre>mvn -q package -DskipTests exec:exec@harness -Dharness=DataParallelSpeedup -Dharness.args=128</pre>
 */
public final class DataParallelSpeedup {

  private DataParallelSpeedup() {}

  public static void main(String[] args) {
    int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    SequenceSet train = AddingProblem.generate(2048, 64, 1);
    System.out.println("kernels: " + KernelSelection.kernels().description()
        + "; cores: " + Runtime.getRuntime().availableProcessors());
    for (int repeat = 1; repeat <= 2; repeat++) {
      double oneThread = 0;
      for (int threads = 1; threads <= 2; threads++) {
        ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(2, hidden, 1).seed(3).build());
        long start = System.nanoTime();
        new Trainer(model, Adam.adam(model.config()), new Trainer.Settings(
            64, 2, Loss.MEAN_SQUARED_ERROR, 1f, 0f, LearningRateSchedule.constant(1e-3f), 0, 4,
            2, threads)).fit(train, train.slice(0, 64), epoch -> {});
        double seconds = (System.nanoTime() - start) / 1e9;
        oneThread = threads == 1 ? seconds : oneThread;
        System.out.printf(
            "run %d, H=%d, %d thread(s): %.2f s, %.2f µs per sequence-step%s%n", repeat, hidden,
            threads, seconds, seconds * 1e6 / (2.0 * 2048 * 64),
            threads == 1 ? "" : String.format(", speed-up %.2f×, efficiency %.0f%%",
                oneThread / seconds, 100 * oneThread / seconds / threads));
      }
    }
  }
}
