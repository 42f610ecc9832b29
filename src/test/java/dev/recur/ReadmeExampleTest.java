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

/** The README's Java example compiles and runs as written, and its training step lowers the loss. */
class ReadmeExampleTest {

  @Test
  void javaExampleCompilesRunsAndLearns(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(), "README.md has a ```java block");
    Path source = dir.resolve("Example.java");
    Files.writeString(source, block.group(1));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status =
        javac.run(null, diagnostics, diagnostics,
            "-classpath", System.getProperty("java.class.path"),
            "-d", dir.toString(), source.toString());
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

    String printed;
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      Method main = loader.loadClass("Example").getMethod("main", String[].class);
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(saved);
    }
    printed = bytes.toString(StandardCharsets.UTF_8);

    Matcher losses = Pattern.compile("loss before ([0-9.]+) after ([0-9.]+)").matcher(printed);
    assertTrue(losses.find(), printed);
    double before = Double.parseDouble(losses.group(1));
    double after = Double.parseDouble(losses.group(2));
    assertTrue(after < before, "one SGD step should lower the loss: " + printed);
    List<String> lines = printed.lines().toList();
    assertTrue(lines.get(0).startsWith("class probabilities at the last step: ["), printed);
  }
}
