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

  /** Seconds for the run on 1 and on 2 threads (the second repeat of each). */
  public record Speedup(int hidden, double oneThread, double twoThreads) {
    public double ratio() {
      return oneThread / twoThreads;
    }

    /** Speed-up per thread: 1 is perfect scaling. */
    public double efficiency() {
      return ratio() / 2;
    }
  }

  public static void main(String[] args) {
    int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    System.out.println("kernels: " + KernelSelection.kernels().description()
        + "; cores: " + Runtime.getRuntime().availableProcessors());
    Speedup s = measure(hidden, System.out);
    System.out.printf("H=%d: 1 thread %.2f s, 2 threads %.2f s: speed-up %.2f×, efficiency %.0f%%%n",
        hidden, s.oneThread(), s.twoThreads(), s.ratio(), 100 * s.efficiency());
  }

  /** Runs each setting twice, printing each run to {@code log}; returns the second runs. */
  public static Speedup measure(int hidden, java.io.PrintStream log) {
    SequenceSet train = AddingProblem.generate(2048, 64, 1);
    double[] seconds = new double[3];
    for (int repeat = 1; repeat <= 2; repeat++) {
      for (int threads = 1; threads <= 2; threads++) {
        ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(2, hidden, 1).seed(3).build());
        long start = System.nanoTime();
        new Trainer(model, Adam.adam(model.config()), Trainer.Settings.builder(
            Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(1e-3f)).batchSize(64).epochs(2)
            .clipNorm(1f).seed(4).parallelism(2, threads)
            .build()).fit(train, train.slice(0, 64), epoch -> {});
        seconds[threads] = (System.nanoTime() - start) / 1e9;
        log.printf("run %d, H=%d, %d thread(s): %.2f s, %.2f µs per sequence-step%n", repeat,
            hidden, threads, seconds[threads], seconds[threads] * 1e6 / (2.0 * 2048 * 64));
      }
    }
    return new Speedup(hidden, seconds[1], seconds[2]);
  }
}
