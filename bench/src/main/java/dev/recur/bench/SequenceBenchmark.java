package dev.recur.bench;

import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Workspace;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
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
 * A whole sequence of {@link #STEPS} steps, batch 1 (I = O = 64), reported per step: {@code
 * forward} is the training forward pass (input projection for all steps as one product, then the
 * recurrence, then the output layer as one product); {@code streamPredict} steps a stream through
 * the same sequence one step at a time, as a service would.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class SequenceBenchmark {

  static final int STEPS = 128;

  @Param({"64", "128", "256", "512", "1024"})
  public int hidden;

  @Param({"scalar", "vector"})
  public String impl;

  private ElmanRnn model;
  private Workspace workspace;
  private Inputs inputs;
  private RnnStream stream;
  private float[] values;
  private float[] outputs;

  @Setup
  public void setUp() {
    Parameters weights = Parameters.initialize(RnnConfig.builder(64, hidden, 64).seed(1).build());
    model = new ElmanRnn(weights, Impl.engine(impl));
    workspace = model.workspace(STEPS, 1);
    values = Impl.uniform(new SplittableRandom(3), STEPS * 64, 1f);
    inputs = Inputs.dense(values, STEPS, 1);
    stream = new InferenceModel(weights, Impl.engine(impl)).newStream();
    outputs = new float[STEPS * 64];
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public float[] forward() {
    model.forward(workspace, inputs);
    return workspace.outputs();
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public float[] streamPredict() {
    stream.reset();
    stream.predict(values, outputs);
    return outputs;
  }
}
