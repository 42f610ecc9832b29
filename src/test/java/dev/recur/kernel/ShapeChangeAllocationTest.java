package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * C2 may refuse to inline a method of recur's own however small: where the call ran in fewer than
 * ~1 in 118 calls of its caller when the caller was compiled ({@code MinInlineFrequencyRatio}),
 * or once the compilation has grown past {@code NodeCountInliningCutoff}. A vector passed across
 * such a call is boxed on every call, for as long as that compiled code lives. Found in the full
 * test run: a 9-byte load helper in a matrix-product loop that small shapes never reached cost 250
 * bytes per batch step, for good; and this probe then found tanh, whose vector helpers were
 * refused once the loop was inlined into its caller (the node cutoff), allocating 6 KB per call.
 *
 * <p>The probe runs in a fresh JVM (the JIT's profiles are per JVM), on the machine's preferred
 * species and on the narrower ones it runs natively; once, in the default test execution.
 */
class ShapeChangeAllocationTest {

  @ParameterizedTest
  @ValueSource(strings = {"auto", "256", "128"})
  void kernelsCompiledOnTheSmallestLengthsAllocateNothingOnLargeOnes(String species)
      throws Exception {
    assumeTrue(System.getProperty(KernelSelection.PROPERTY) == null,
        "runs in the test execution that leaves the kernel choice to the machine");
    assumeTrue(species.equals("auto")
            || Integer.parseInt(species) <= FloatVector.SPECIES_PREFERRED.vectorBitSize(),
        "the machine has " + species + "-bit vectors");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classPath =
        location(KernelSelection.class) + File.pathSeparator + location(ShapeChangeProbe.class);
    Process process = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector",
            "-D" + KernelSelection.PROPERTY + "=" + species,
            "-cp", classPath, ShapeChangeProbe.class.getName())
        .redirectErrorStream(true)
        .start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "probe JVM finished");
    assertEquals(0, process.exitValue(), text);
    List<String> results = text.lines().filter(line -> line.matches("\\S+ \\d+")).toList();
    assertTrue(results.size() >= 20, "a line per kernel:\n" + text);
    List<String> allocating = results.stream().filter(line -> !line.endsWith(" 0")).toList();
    assertTrue(allocating.isEmpty(), "bytes per round of 20 calls, best round: " + allocating);
  }

  private static String location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
