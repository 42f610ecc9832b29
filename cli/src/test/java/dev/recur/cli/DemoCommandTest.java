package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.ToyEnglish;
import dev.recur.data.WordGrammar;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The main job, shortened: its figures agree with each other and with the texts it names, and
 * what it shows of the held-out text is that text.
 */
class DemoCommandTest {

  private static final double LN2 = Math.log(2);

  /** A figure printed with 3 decimals is within half a unit of the last one of the true value. */
  private static final double ROUNDING = 0.0005;

  @Test
  void reportsLossesThatAgreeAndContinuesTheHeldOutText() {
    CommandLine cli = RecurCli.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("demo", "--seconds", "3", "--no-progress"));
    String printed = out.toString();

    double[] uniform = row(printed, "a uniform guess over (\\d+) characters");
    double[] training = row(printed, "training text \\(smoothed\\)");
    double[] heldOut = row(printed, "held-out text");
    double[] best = row(printed, "best possible \\(the grammar's entropy\\)");
    WordGrammar grammar = ToyEnglish.grammar();
    int vocabulary = grammar.alphabet().length();
    assertTrue(printed.contains("a uniform guess over " + vocabulary + " characters"), printed);
    assertEquals(Math.log(vocabulary), uniform[0], ROUNDING, printed);
    assertEquals(grammar.entropyPerCharacter(), best[0], ROUNDING, printed);
    for (double[] nats : new double[][] {uniform, training, heldOut, best}) {
      assertEquals(nats[0] / LN2, nats[1], ROUNDING + ROUNDING / LN2, printed);
    }
    // Even the fewest characters the demo trains on (one round, 4,000 characters, which is all an
    // overloaded machine may give it in 3 s) take the held-out loss below a uniform guess
    // (measured: 3.42 nats against 3.81), and no model beats the grammar's entropy by more than
    // the held-out text's sampling error (about 0.003 nats)
    assertTrue(heldOut[0] < uniform[0] && heldOut[0] > best[0], printed);
    Matcher gap = Pattern.compile("the held-out loss is ([0-9.]+) bits per character above the best"
        + " possible").matcher(printed);
    assertTrue(gap.find(), printed);
    assertEquals(heldOut[1] - best[1], Double.parseDouble(gap.group(1)), 3 * ROUNDING, printed);

    String text = grammar.generate(DemoCommand.HELD_OUT_CHARACTERS, DemoCommand.HELD_OUT_SEED);
    int end = DemoCommand.PROMPT_CHARACTERS;
    assertTrue(printed.contains("the model reads the first 2,000 characters of the held-out text,"
        + " which end\n    …" + text.substring(end - DemoCommand.SHOWN_PROMPT, end) + "\n"), printed);
    assertTrue(printed.contains("the held-out text goes on\n    »"
        + text.substring(end, end + DemoCommand.CONTINUATION) + "\n"), printed);
    for (String temperature : new String[] {"1.0", "0.5"}) {
      Matcher sample = Pattern.compile("the model goes on at temperature " + temperature
          + ".*\n    »(.*)\n").matcher(printed);
      assertTrue(sample.find(), printed);
      assertEquals(DemoCommand.CONTINUATION, sample.group(1).length(), printed);
    }
    assertTrue(printed.contains("inference, one step (H=128, V=" + vocabulary
        + ", batch 1), 50,000 steps: p50 "), printed);
    assertTrue(printed.contains("training, forward + backward + update: "), printed);
  }

  @Test
  void heldOutTextIsNotPartOfTheTrainingText() {
    WordGrammar grammar = ToyEnglish.grammar();
    String training = grammar.generate(DemoCommand.TRAINING_CHARACTERS, DemoCommand.TRAINING_SEED);
    String heldOut = grammar.generate(DemoCommand.HELD_OUT_CHARACTERS, DemoCommand.HELD_OUT_SEED);
    // any 100 characters (about 20 words) of the held-out text occurring in the training text
    // would mean the two were not drawn independently
    for (int at = 0; at + 100 <= heldOut.length(); at += 10_000) {
      assertFalse(training.contains(heldOut.substring(at, at + 100)), "held-out text at " + at);
    }
  }

  /** The nats and bits of the loss table's row {@code label}. */
  private static double[] row(String printed, String label) {
    Matcher m = Pattern.compile("\n  " + label + " +([0-9.]+) +([0-9.]+)\n").matcher(printed);
    assertTrue(m.find(), label + " in " + printed);
    return new double[] {Double.parseDouble(m.group(m.groupCount() - 1)),
        Double.parseDouble(m.group(m.groupCount()))};
  }
}
