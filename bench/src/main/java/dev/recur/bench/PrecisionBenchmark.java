package dev.recur.bench;

import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
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
 * One streaming step (I = O = 64, batch 1) with the weight matrices held in FP32, BF16 or INT8, on
 * the vector kernels: the ratios from one run are what each precision buys where the step reads
 * every weight once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class PrecisionBenchmark {

  @Param({"256", "512", "1024", "2048"})
  public int hidden;

  @Param({"FP32", "BF16", "INT8"})
  public Precision precision;

  private RnnStream stream;
  private float[] input;

  @Setup
  public void setUp() {
    RnnConfig config = RnnConfig.builder(64, hidden, 64).seed(1).build();
    stream = new InferenceModel(Parameters.initialize(config), Impl.kernels("vector"), precision)
        .newStream();
    input = Impl.uniform(new SplittableRandom(2), 64, 1f);
  }

  @Benchmark
  public float[] step() {
    return stream.step(input);
  }
}
