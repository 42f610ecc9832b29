package dev.recur.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak reachable from the Vector API on the preferred species: {@link #CHAINS}
 * independent FMA chains on registers, reported per FMA instruction. Each is 2 × lanes flops, so
 * the report turns the time into GFLOP/s, the yardstick for the matrix-matrix kernels.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class FmaPeakBenchmark {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Independent accumulators: more than FMA latency × throughput on current x86 cores. */
  static final int CHAINS = 12;

  /** FMA instructions per call. */
  static final int FMAS = CHAINS * 1024;

  /** Not final, so the JIT cannot fold the chains. */
  public float multiplier = 0.999f;

  public float addend = 1e-3f;

  @Benchmark
  @OperationsPerInvocation(FMAS)
  public float fma() {
    FloatVector m = FloatVector.broadcast(F, multiplier);
    FloatVector c = FloatVector.broadcast(F, addend);
    FloatVector a0 = FloatVector.broadcast(F, 1f);
    FloatVector a1 = a0.add(1e-3f);
    FloatVector a2 = a0.add(2e-3f);
    FloatVector a3 = a0.add(3e-3f);
    FloatVector a4 = a0.add(4e-3f);
    FloatVector a5 = a0.add(5e-3f);
    FloatVector a6 = a0.add(6e-3f);
    FloatVector a7 = a0.add(7e-3f);
    FloatVector a8 = a0.add(8e-3f);
    FloatVector a9 = a0.add(9e-3f);
    FloatVector a10 = a0.add(10e-3f);
    FloatVector a11 = a0.add(11e-3f);
    for (int i = 0; i < FMAS / CHAINS; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
        .add(a11).reduceLanes(VectorOperators.ADD);
  }

  /** FMAs per call of {@link #latency}. */
  static final int CHAINED_FMAS = 4096;

  /**
   * One dependent chain: each FMA waits for the one before, so the time per FMA is the FMA
   * latency, 4 cycles on every x86 core this project meets (Skylake and later, Zen 2 to 5). The
   * report divides it by 4 for the clock actually running, and the peak by that clock for the
   * FMAs the core retires per cycle: its number of FMA pipes of this width.
   */
  @Benchmark
  @OperationsPerInvocation(CHAINED_FMAS)
  public float latency() {
    FloatVector m = FloatVector.broadcast(F, multiplier);
    FloatVector c = FloatVector.broadcast(F, addend);
    FloatVector a = FloatVector.broadcast(F, 1f);
    for (int i = 0; i < CHAINED_FMAS; i++) {
      a = a.fma(m, c);
    }
    return a.reduceLanes(VectorOperators.ADD);
  }
}
