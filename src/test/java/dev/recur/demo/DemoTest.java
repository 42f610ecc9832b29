package dev.recur.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo learns: a few hundred updates take the loss from ~0.4 (no skill) well below 0.05. */
class DemoTest {

  @Test
  void lossFallsAndAPredictionIsPrinted() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    double loss = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), 400);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(loss < 0.05, "final loss " + loss + "\n" + printed);
    assertTrue(printed.contains("update     1"), printed);
    assertTrue(printed.contains("predicted next"), printed);
  }
}
