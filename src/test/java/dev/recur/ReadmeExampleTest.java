package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java examples compile and run as written, and do what they say. */
class ReadmeExampleTest {

  @TempDir Path dir;

  @Test
  void javaExampleCompilesRunsAndLearns() throws Exception {
    String printed = compileAndRun(javaBlock(0), "Example");

    Matcher losses = Pattern.compile("loss before ([0-9.]+) after ([0-9.]+)").matcher(printed);
    assertTrue(losses.find(), printed);
    double before = Double.parseDouble(losses.group(1));
    double after = Double.parseDouble(losses.group(2));
    assertTrue(after < before, "one SGD step should lower the loss: " + printed);
    List<String> lines = printed.lines().toList();
    assertTrue(lines.get(0).startsWith("class probabilities at the last step: ["), printed);
  }

  @Test
  void serviceExampleCompilesAndRuns() throws Exception {
    String printed = compileAndRun(javaBlock(1), "Service");
    assertTrue(printed.contains("warm-up: WarmUp[steps=2000"), printed);
    assertTrue(printed.contains("stream 3 scores"), printed);
    assertTrue(printed.contains("steps 1000, p50 "), printed);
  }

  @Test
  void trainingExampleLearns() throws Exception {
    String printed = compileAndRun(javaBlock(2), "Training");
    Matcher best = Pattern.compile("best epoch (\\d+)").matcher(printed);
    assertTrue(best.find(), printed);
    Matcher epoch = Pattern.compile("epoch " + best.group(1) + " validation MSE ([0-9.]+)").matcher(printed);
    assertTrue(epoch.find(), printed);
    assertTrue(Double.parseDouble(epoch.group(1)) < 0.05, printed);
  }

  @Test
  void stackedExampleStreamsAndServesSequences() throws Exception {
    String printed = compileAndRun(javaBlock(3), "Stacked");
    assertTrue(printed.contains("stack: 64 state values, last scores "), printed);
    assertTrue(printed.contains("bidirectional: 10 outputs for 10 steps"), printed);
  }

  private static String javaBlock(int index) throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    for (int i = 0; i <= index; i++) {
      assertTrue(block.find(), "README.md has ```java block number " + (index + 1));
    }
    return block.group(1);
  }

  private String compileAndRun(String code, String className) throws Exception {
    Path source = dir.resolve(className + ".java");
    Files.writeString(source, code);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status =
        javac.run(null, diagnostics, diagnostics,
            "-classpath", System.getProperty("java.class.path"),
            "-d", dir.toString(), source.toString());
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      Method main = loader.loadClass(className).getMethod("main", String[].class);
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
