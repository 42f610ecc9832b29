package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel layer depends on nothing above it: no source file of {@code dev.recur.kernel} names
 * another recur package, so the model, training and serving can change (and the kernels become
 * an unexported package) without touching it.
 */
class KernelLayeringTest {

  private static final Pattern RECUR_REFERENCE = Pattern.compile("dev\\.recur\\.(?!kernel\\b)\\w+");

  @Test
  void kernelSourcesNameNoOtherRecurPackage() throws IOException {
    Path sources = Path.of("src/main/java/dev/recur/kernel");
    List<Path> files;
    try (Stream<Path> all = Files.list(sources)) {
      files = all.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertTrue(files.size() >= 5, "found the kernel sources: " + files);
    for (Path file : files) {
      // javadoc may point upwards ({@link dev.recur.Activation}); code may not
      String code = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
      Matcher m = RECUR_REFERENCE.matcher(code);
      if (m.find()) {
        fail(file + " refers to " + m.group());
      }
    }
  }
}
