package dev.recur.bench;

import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
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
 * One step of 32 streams as one batch (I = O = 64) with the weight matrices held in FP32, BF16 or
 * INT8, on the vector kernels: FP32 runs the packed-panel product, the reduced precisions their
 * row-tile products, so the ratios from one run say whether a smaller weight still pays once the
 * step is no longer a pass over memory per stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class PrecisionBatchBenchmark {

  /** Streams stepped together. */
  public static final int STREAMS = 32;

  @Param({"256", "512", "1024", "2048"})
  public int hidden;

  @Param({"FP32", "BF16", "INT8"})
  public Precision precision;

  private StreamBatch batch;
  private float[] inputs;

  @Setup
  public void setUp() {
    RnnConfig config = RnnConfig.builder(64, hidden, 64).seed(1).build();
    batch = new InferenceModel(Parameters.initialize(config), Impl.engine("vector"), precision)
        .newBatch(STREAMS);
    inputs = Impl.uniform(new SplittableRandom(2), STREAMS * 64, 1f);
  }

  @Benchmark
  public float[] step() {
    return batch.step(inputs);
  }
}
