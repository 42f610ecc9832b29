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
 * One streaming step (I = 64, O = 64, batch 1), and one step of 8 and of 32 streams as a batch,
 * on the selected kernels and on the scalar ones. Run with {@code -prof gc}: {@code gc.alloc.rate.norm}
 * is the bytes a step allocates (0).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class StreamStepBenchmark {

  @Param({"64", "128", "256", "512", "1024"})
  public int hidden;

  @Param({"scalar", "vector"})
  public String impl;

  private RnnStream stream;
  private StreamBatch batch;
  private StreamBatch batch32;
  private float[] input;
  private float[] batchInput;
  private float[] batch32Input;

  @Setup
  public void setUp() {
    RnnConfig config = RnnConfig.builder(64, hidden, 64).seed(1).build();
    InferenceModel model =
        new InferenceModel(
            Parameters.initialize(config),
            Impl.engine(impl));
    stream = model.newStream();
    batch = model.newBatch(8);
    batch32 = model.newBatch(32);
    SplittableRandom random = new SplittableRandom(2);
    batch32Input = Impl.uniform(random, 32 * 64, 1f);
    batchInput = java.util.Arrays.copyOf(batch32Input, 8 * 64);
    input = java.util.Arrays.copyOf(batch32Input, 64);
  }

  @Benchmark
  public float[] step() {
    return stream.step(input);
  }

  @Benchmark
  public float[] batchOf8() {
    return batch.step(batchInput);
  }

  @Benchmark
  public float[] batchOf32() {
    return batch32.step(batch32Input);
  }
}
