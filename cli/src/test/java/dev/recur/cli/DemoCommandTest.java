package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The main job, shortened: the loss per character falls well below a uniform guess in seconds. */
class DemoCommandTest {

  @Test
  void demoLearnsSamplesAndReportsCosts() {
    CommandLine cli = RecurCli.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("demo", "--seconds", "4", "--no-progress"));
    String printed = out.toString();
    Matcher loss = Pattern.compile("smoothed loss ([0-9.]+) per character \\(a uniform guess: ([0-9.]+)\\)")
        .matcher(printed);
    assertTrue(loss.find(), printed);
    double trained = Double.parseDouble(loss.group(1));
    double uniform = Double.parseDouble(loss.group(2));
    // measured here (vector kernels): 3.91 → 0.86 after 4 s, 0.27 after 20 s
    assertTrue(trained < uniform - 1, printed);
    assertTrue(printed.contains("sample at temperature 0.5:\nThe "), printed);
    assertTrue(printed.contains("sample at temperature 1.0:\nThe "), printed);
    assertTrue(printed.contains("inference, one step (H=100, V=50, batch 1), 50,000 steps: p50 "), printed);
    assertTrue(printed.contains("training, forward + backward + update: "), printed);
  }
}
