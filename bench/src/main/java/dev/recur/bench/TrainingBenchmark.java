package dev.recur.bench;

import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Targets;
import dev.recur.Workspace;
import dev.recur.optim.Sgd;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training update on a minibatch of sequences of {@link #STEPS} steps (I = O = 64, tanh, MSE
 * at every step): forward, BPTT, SGD update. Reported per timestep (the whole minibatch's step);
 * divide by the batch for the cost per sample-timestep. The learning rate is tiny so the weights
 * stay where they started over millions of updates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class TrainingBenchmark {

  static final int STEPS = 64;

  @Param({"128", "256", "512"})
  public int hidden;

  @Param({"1", "32"})
  public int batch;

  @Param({"scalar", "vector"})
  public String impl;

  private ElmanRnn model;
  private Workspace workspace;
  private Inputs inputs;
  private Targets targets;
  private Parameters gradients;
  private Sgd optimizer;

  @Setup
  public void setUp() {
    RnnConfig config = RnnConfig.builder(64, hidden, 64).seed(1).build();
    model = new ElmanRnn(Parameters.initialize(config), Impl.engine(impl));
    workspace = model.workspace(STEPS, batch);
    SplittableRandom random = new SplittableRandom(5);
    inputs = Inputs.dense(Impl.uniform(random, STEPS * batch * 64, 1f), STEPS, batch);
    targets = Targets.everyStep(Impl.uniform(random, STEPS * batch * 64, 1f));
    gradients = Parameters.zeros(config);
    optimizer = Sgd.plain(config);
    // Without it, a batch-32 update needs ~2000 calls (15-90 s here) to reach its final
    // compiled form, longer than the warm-up iterations, and allocates until then.
    ElmanRnn.warmUp(config, batch, Loss.MEAN_SQUARED_ERROR, 5000);
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Parameters update() {
    model.forward(workspace, inputs);
    gradients.zero();
    model.backward(workspace, Loss.MEAN_SQUARED_ERROR, targets, gradients);
    optimizer.step(model.weights(), gradients, 1e-9f);
    return model.weights();
  }
}
