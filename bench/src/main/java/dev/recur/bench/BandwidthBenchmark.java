package dev.recur.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * The cache-bandwidth bound of a batch-1 step, measured through the Vector API on the preferred
 * species: one pass reading (summing) as many floats as a streaming step reads weights at hidden
 * size H (I = O = 64: H·64 + H·H + 64·H), warm in cache as they are between steps. A step cannot
 * take less time than this; the report divides one by the other. See also {@link
 * FmaPeakBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class BandwidthBenchmark {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  @Param({"64", "128", "256", "512", "1024", "2048"})
  public int hidden;

  private float[] weights;

  @Setup
  public void setUp() {
    int floats = hidden * 64 + hidden * hidden + 64 * hidden;
    weights = Impl.uniform(new SplittableRandom(9), floats + 4 * LANES, 1f);
  }

  @Benchmark
  public float readWeights() {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int floats = weights.length - 4 * LANES;
    for (int i = 0; i < floats; i += 4 * LANES) {
      s0 = s0.add(FloatVector.fromArray(F, weights, i));
      s1 = s1.add(FloatVector.fromArray(F, weights, i + LANES));
      s2 = s2.add(FloatVector.fromArray(F, weights, i + 2 * LANES));
      s3 = s3.add(FloatVector.fromArray(F, weights, i + 3 * LANES));
    }
    return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
  }
}
