package dev.recur.bench;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.inference.StreamBatch;
import dev.recur.kernel.KernelSelection;
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
 * One streaming step (I = 64, O = 64, batch 1) and one step of 8 streams as a batch, on the
 * selected kernels and on the scalar ones. Run with {@code -prof gc}: {@code gc.alloc.rate.norm}
 * is the bytes a step allocates (0).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
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
  private float[] input;
  private float[] batchInput;

  @Setup
  public void setUp() {
    RnnConfig config = RnnConfig.builder(64, hidden, 64).seed(1).build();
    InferenceModel model =
        new InferenceModel(
            Parameters.initialize(config),
            impl.equals("scalar") ? KernelSelection.scalar() : KernelSelection.kernels());
    stream = model.newStream();
    batch = model.newBatch(8);
    SplittableRandom random = new SplittableRandom(2);
    input = new float[64];
    batchInput = new float[8 * 64];
    for (int i = 0; i < batchInput.length; i++) {
      batchInput[i] = (float) random.nextDouble(-1, 1);
    }
    System.arraycopy(batchInput, 0, input, 0, 64);
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
