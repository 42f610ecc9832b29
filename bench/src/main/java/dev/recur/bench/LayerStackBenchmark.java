package dev.recur.bench;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.inference.StreamBatch;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A streaming step of a stack of 1 or 2 layers (I = 64, O = 64): one stream, and 8 streams as a
 * batch. Layer 2 reads layer 1's new state and holds two more H×H matrices (its W_x and W_h), so
 * where a step is bound by reading the weights once, 2 layers take {@code (128H + 3H²) / (128H +
 * H²)} of the time of 1 (2.33× at H = 256); the ratio from one run is the figure to compare.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes a step allocates (0).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class LayerStackBenchmark {

  @Param({"128", "256", "512"})
  public int hidden;

  @Param({"1", "2"})
  public int layers;

  @Param({"vector"})
  public String impl;

  private RnnStream stream;
  private StreamBatch batch;
  private float[] input;
  private float[] batchInput;

  @Setup
  public void setUp() {
    RnnConfig config = RnnConfig.builder(64, hidden, 64).layers(layers).seed(1).build();
    InferenceModel model = new InferenceModel(Parameters.initialize(config), Impl.engine(impl));
    stream = model.newStream();
    batch = model.newBatch(8);
    SplittableRandom random = new SplittableRandom(2);
    batchInput = Impl.uniform(random, 8 * 64, 1f);
    input = java.util.Arrays.copyOf(batchInput, 64);
  }

  @Benchmark
  public float[] step() {
    return stream.step(input);
  }

  @Benchmark
  public float[] batchOf8() {
    return batch.step(batchInput);
  }
}
