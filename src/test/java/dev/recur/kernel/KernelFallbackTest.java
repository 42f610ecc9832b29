package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where the Vector API cannot be used, recur runs on the scalar kernels and says why, instead of
 * failing. Each case starts a fresh JVM, since the choice is made once per JVM.
 */
class KernelFallbackTest {

  @Test
  void withoutTheIncubatorModuleTheScalarKernelsAreUsed() throws Exception {
    Output out = launch(List.of());
    assertEquals(0, out.status(), out.text());
    assertTrue(out.text().contains("using scalar kernels: module jdk.incubator.vector is not readable"), out.text());
    assertTrue(out.text().strip().endsWith("scalar (plain Java)"), out.text());
  }

  @Test
  void withoutC2TheScalarKernelsAreUsed() throws Exception {
    Output out = launch(List.of("--add-modules=jdk.incubator.vector", "-XX:TieredStopAtLevel=1"));
    assertEquals(0, out.status(), out.text());
    assertTrue(out.text().contains("the C2 compiler is off"), out.text());
    assertTrue(out.text().strip().endsWith("scalar (plain Java)"), out.text());
  }

  @Test
  void withoutHardwareFmaTheScalarKernelsAreUsed() throws Exception {
    Output out = launch(List.of("--add-modules=jdk.incubator.vector", "-XX:-UseFMA"));
    assertEquals(0, out.status(), out.text());
    assertTrue(out.text().contains("no fused multiply-add the JVM uses (UseFMA is off)"), out.text());
    assertTrue(out.text().strip().endsWith("scalar (plain Java)"), out.text());
  }

  @Test
  void withTheModuleTheVectorKernelsAreUsed() throws Exception {
    Output out = launch(List.of("--add-modules=jdk.incubator.vector", "-Drecur.vector=256"));
    assertEquals(0, out.status(), out.text());
    assertTrue(out.text().strip().startsWith("vector (jdk.incubator.vector): 256-bit FloatVector")
        || out.text().contains("\nvector (jdk.incubator.vector): 256-bit FloatVector"), out.text());
  }

  private record Output(int status, String text) {}

  private static Output launch(List<String> jvmOptions) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Path classes = Path.of(KernelSelection.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classes.toString(), KernelSelection.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
    return new Output(process.exitValue(), text);
  }
}
