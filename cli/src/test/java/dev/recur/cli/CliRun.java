package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * One in-process run of the command line, and the checks every refusal must pass: its exit
 * status, one message naming the problem, no stack trace, the inputs byte for byte as they were
 * and no temporary file left in the folder.
 */
record CliRun(int status, String out, String err) {

  static CliRun run(String... args) {
    return run(RecurCli.commandLine(), args);
  }

  static CliRun run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new CliRun(status, out.toString(), err.toString());
  }

  /** Exit {@code status}, no stack trace, and every fragment in the message on stderr. */
  CliRun refused(int expectedStatus, String... fragments) {
    assertEquals(expectedStatus, status, "exit status; stderr:\n" + err);
    assertTrue(err.startsWith("recur: "), err);
    assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("Error:"),
        "no stack trace or exception class name:\n" + err);
    for (String fragment : fragments) {
      assertTrue(err.contains(fragment), "'" + fragment + "' in:\n" + err);
    }
    return this;
  }

  /** The bytes of every file in a folder, to show later that a failed command changed none. */
  static Map<Path, byte[]> snapshot(Path folder) throws IOException {
    Map<Path, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> all = Files.list(folder)) {
      for (Path file : all.filter(Files::isRegularFile).sorted().toList()) {
        files.put(file, Files.readAllBytes(file));
      }
    }
    return files;
  }

  /** The folder holds exactly the files of {@code before}, with the same bytes. */
  static void assertUnchanged(Path folder, Map<Path, byte[]> before) throws IOException {
    Map<Path, byte[]> after = snapshot(folder);
    assertEquals(List.copyOf(before.keySet()), List.copyOf(after.keySet()),
        "the same files, none added (no temporary file left)");
    for (Map.Entry<Path, byte[]> file : before.entrySet()) {
      assertArrayEquals(file.getValue(), after.get(file.getKey()), file.getKey() + " unchanged");
    }
  }
}
