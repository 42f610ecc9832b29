package dev.recur.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/native} builds with gcc and its checks pass at tiny sizes, for the hand-written
 * kernels and for OpenBLAS; each test is skipped, saying why, where gcc or OpenBLAS is missing.
 */
class NativeYardstickTest {

  /**
   * Odd sizes (the vector blocks' tails and the single columns), and H = 600, whose (7 + 600) ×
   * 600 step weights are past the 1 MiB where the kernel streams rows instead; a few
   * milliseconds of timing.
   */
  private static final List<String> TINY = List.of("--hidden", "5,37,600", "--io", "7",
      "--batch", "5", "--reps", "3", "--rep-ms", "1", "--warmup-ms", "1");
  private static final int[] TINY_HIDDEN = {5, 37, 600};

  @TempDir
  static Path out;

  private static NativeYardstick.Build build;

  @BeforeAll
  static void buildHarnesses() throws Exception {
    build = NativeYardstick.build(Report.repositoryRoot(), out);
  }

  @Test
  void handWrittenKernelsPassTheirChecks() throws Exception {
    NativeFigures figures = NativeFigures.parse(NativeYardstick.run(harness("native"), TINY));
    checked(figures, "native");
    assertEquals(Optional.of("-O3 -march=native"), figures.fact("flags"));
    assertTrue(figures.fact("kernels").isPresent(), "the build names its vector kernels");
  }

  @Test
  void openBlasPassesItsChecks() throws Exception {
    NativeFigures figures = NativeFigures.parse(NativeYardstick.run(harness("openblas"), TINY));
    checked(figures, "openblas");
    assertTrue(figures.fact("openblas").orElseThrow().endsWith("1 thread(s)"),
        figures.fact("openblas").orElseThrow());
  }

  @Test
  void aBadArgumentFailsTheRunWithTheHarnessMessage() {
    NativeYardstick.Harness harness = harness("native");
    IOException e = assertThrows(IOException.class,
        () -> NativeYardstick.run(harness, List.of("--hidden", "0")));
    assertTrue(e.getMessage().contains("--hidden wants a whole number from 1"), e.getMessage());
  }

  private static NativeYardstick.Harness harness(String impl) {
    Optional<NativeYardstick.Harness> harness =
        build.harnesses().stream().filter(h -> h.impl().equals(impl)).findFirst();
    assumeTrue(harness.isPresent(), () -> "skipped: " + String.join("; ", build.skipped()));
    return harness.get();
  }

  /** Every tiny shape was checked (within its bound) and timed. */
  private static void checked(NativeFigures figures, String impl) {
    for (int hidden : TINY_HIDDEN) {
      for (String what : List.of("step", "product")) {
        NativeFigures.Figure f = figures.find(impl, what, hidden)
            .orElseThrow(() -> new AssertionError(impl + " " + what + " H=" + hidden + " missing"));
        assertEquals(what.equals("step") ? 1 : 5, f.batch());
        assertTrue(f.maxError() <= f.errorBound(), f.toString());
        assertTrue(f.errorBound() > 0 && f.errorBound() < 1e-4, f.toString());
        assertTrue(0 < f.minNanos() && f.minNanos() <= f.medianNanos()
            && f.medianNanos() <= f.maxNanos(), f.toString());
        assertEquals(3, f.reps());
      }
    }
  }
}
