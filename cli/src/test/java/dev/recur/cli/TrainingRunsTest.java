package dev.recur.cli;

import static dev.recur.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recur train} runs that go wrong or stop half-way: resumes with changed settings, a
 * finished run resumed, divergence, a non-finite validation loss. Each checks the exit status,
 * that stderr holds one message and no stack trace, what was written, and that no temporary
 * file is left.
 */
class TrainingRunsTest {

  @TempDir Path dir;

  private static String[] concat(String[] first, String... more) {
    return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
  }

  /** {@code args} with {@code option} set to {@code value}: replaced where given, else added. */
  private static String[] set(String[] args, String option, String value) {
    int at = List.of(args).indexOf(option);
    if (at < 0) {
      return concat(args, option, value);
    }
    String[] copy = args.clone();
    copy[at + 1] = value;
    return copy;
  }

  private static void assertNoStackTrace(CliRun run) {
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception"), run.err());
  }

  /** Nothing but the named files in the folder: no temporary or partial file is left. */
  private void assertOnlyFiles(String... names) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(names).stream().sorted().toList(),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  private static void assertPng(Path file) throws IOException {
    byte[] png = Files.readAllBytes(file);
    assertTrue(png.length > 8, file + " has " + png.length + " bytes");
    assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
  }

  private static final String[] ADDING = {"train", "--task", "ADDING", "--steps", "8",
      "--hidden", "8", "--batch", "50", "--no-progress"};

  @Test
  void resumingWithOtherSettingsIsRefusedNamingEachDifference() throws Exception {
    Path checkpoint = dir.resolve("run.ckpt");
    assertEquals(0, run(concat(ADDING, "--epochs", "1", "--checkpoint", checkpoint.toString(),
        "--out", dir.resolve("first.recur").toString())).status());
    byte[] saved = Files.readAllBytes(checkpoint);

    CliRun changed = run(concat(ADDING, "--epochs", "2", "--activation", "RELU", "--optimizer",
        "ADAMW", "--seed", "2", "--lr", "0.01", "--resume", checkpoint.toString(),
        "--checkpoint", checkpoint.toString(), "--out", dir.resolve("second.recur").toString()));
    assertEquals(1, changed.status());
    assertNoStackTrace(changed);
    String err = changed.err();
    assertTrue(err.startsWith("recur: " + checkpoint + " was made by a run with other settings"), err);
    for (String difference : new String[] {
        "activation: TANH in the checkpoint, RELU now",
        "optimizer: ADAM in the checkpoint, ADAMW now",
        "seed: 1 in the checkpoint, 2 now",
        "lr: 0.001 in the checkpoint, 0.01 now"}) {
      assertTrue(err.contains(difference), difference + " in " + err);
    }
    assertTrue(err.contains("training data: 5000 sequences of 8 steps"), err); // --seed makes other data

    for (String[] one : new String[][] {{"--steps", "9"}, {"--batch", "40"}, {"--clip", "0.5"},
        {"--hidden", "9"}, {"--patience", "3"}, {"--init", "IDENTITY"}, {"--threads", "2"}}) {
      CliRun refused = run(set(concat(ADDING, "--epochs", "2", "--resume", checkpoint.toString(),
          "--out", dir.resolve("second.recur").toString()), one[0], one[1]));
      assertEquals(1, refused.status(), String.join(" ", one) + ": " + refused.out());
      assertNoStackTrace(refused);
      assertTrue(refused.err().contains("other settings"), refused.err());
    }
    assertArrayEquals(saved, Files.readAllBytes(checkpoint), "the checkpoint is untouched");
    assertOnlyFiles("run.ckpt", "first.recur", "first.recur.loss.png", "first.recur.diagnostics.csv");
  }

  @Test
  void resumingWithAnotherStructureIsRefusedNamingIt() throws Exception {
    Path checkpoint = dir.resolve("deep.ckpt");
    String[] deep = concat(ADDING, "--epochs", "1");
    assertEquals(0, run(concat(deep, "--layers", "2", "--bidirectional", "--checkpoint",
        checkpoint.toString(), "--out", dir.resolve("first.recur").toString())).status());
    byte[] saved = Files.readAllBytes(checkpoint);
    String[][] changes = {
        {"--layers", "3", "--bidirectional"}, {"--layers", "1", "--bidirectional"},
        {"--layers", "2"}, {"--layers", "2", "--bidirectional", "--no-head-bias"},
        {"--layers", "2", "--bidirectional", "--dropout", "0.25"}};
    String[] differences = {
        "layers: 2 in the checkpoint, 3 now", "layers: 2 in the checkpoint, 1 now",
        "bidirectional: true in the checkpoint, false now",
        "head bias: true in the checkpoint, false now", "dropout: 0.0 in the checkpoint, 0.25 now"};
    for (int i = 0; i < changes.length; i++) {
      CliRun refused = run(concat(concat(set(deep, "--epochs", "2"), changes[i]), "--resume",
          checkpoint.toString(), "--out", dir.resolve("second.recur").toString()));
      assertEquals(1, refused.status(), String.join(" ", changes[i]) + ": " + refused.out());
      assertNoStackTrace(refused);
      assertTrue(refused.err().startsWith("recur: " + checkpoint + " was made by a run with other"
          + " settings; "), refused.err());
      assertTrue(refused.err().contains(differences[i]), differences[i] + " in " + refused.err());
    }
    assertArrayEquals(saved, Files.readAllBytes(checkpoint), "the checkpoint is untouched");
    CliRun resumed = run(concat(set(deep, "--epochs", "2"), "--layers", "2", "--bidirectional",
        "--resume",
        checkpoint.toString(), "--out", dir.resolve("second.recur").toString()));
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(ModelFile.load(dir.resolve("second.recur")).config().bidirectional());
  }

  @Test
  void aCharsRunKilledAfterItsFinalCheckpointFinishesOnResume() throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "checkpoints keep the state of a run. ".repeat(20));
    String[] chars = {"train", "--task", "CHARS", "--data", text.toString(), "--steps", "10",
        "--hidden", "16", "--optimizer", "ADAM", "--lr", "0.01", "--no-progress",
        "--iterations", "40"};
    Path checkpoint = dir.resolve("chars.ckpt");
    CliRun whole = run(concat(chars, "--checkpoint", checkpoint.toString(), "--checkpoint-every",
        "15", "--out", dir.resolve("whole.recur").toString()));
    assertEquals(0, whole.status(), whole.err());
    byte[] saved = Files.readAllBytes(checkpoint);

    // as if killed after the checkpoint at iteration 40, before the model was written
    CliRun finished = run(concat(chars, "--resume", checkpoint.toString(),
        "--out", dir.resolve("finished.recur").toString()));
    assertEquals(0, finished.status(), finished.err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("whole.recur")),
        Files.readAllBytes(dir.resolve("finished.recur")));
    assertPng(dir.resolve("finished.recur.loss.png"));
    assertTrue(Files.exists(dir.resolve("finished.recur.diagnostics.csv")));
    assertArrayEquals(saved, Files.readAllBytes(checkpoint));

    CliRun fewer = run(concat(set(chars, "--iterations", "30"), "--resume", checkpoint.toString(),
        "--out", dir.resolve("fewer.recur").toString()));
    assertEquals(1, fewer.status());
    assertNoStackTrace(fewer);
    assertEquals("recur: " + checkpoint + " is at iteration 40 already; --iterations 30 asks for"
        + " fewer (a total, not a count to add)", fewer.err().strip());
    assertFalse(Files.exists(dir.resolve("fewer.recur")));

    CliRun otherClip = run(concat(chars, "--clip-value", "1", "--resume", checkpoint.toString(),
        "--out", dir.resolve("clip.recur").toString()));
    assertEquals(1, otherClip.status());
    assertTrue(otherClip.err().contains("clip-value: 5.0 in the checkpoint, 1.0 now"), otherClip.err());
    assertFalse(Files.exists(dir.resolve("clip.recur")));
  }

  /**
   * SGD at a learning rate of 1.2 without clipping on an IRNN: finite through epoch 1, the
   * gradient norm overflows at update 131, in epoch 2 (measured).
   */
  private static final String[] DIVERGING = concat(ADDING, "--activation", "RELU", "--init",
      "IDENTITY", "--optimizer", "SGD", "--lr", "1.2", "--clip", "0", "--epochs", "4");

  @Test
  void aDivergedRunWritesTheBestWeightsThePlotAndTheDiagnosticsAndExitsWithOne() throws Exception {
    Path model = dir.resolve("irnn.recur");
    CliRun diverged = run(concat(DIVERGING, "--out", model.toString()));
    assertEquals(1, diverged.status(), diverged.out());
    assertNoStackTrace(diverged);
    String err = diverged.err().strip();
    assertTrue(err.startsWith("recur: update 131: the gradient norm is Infinity (largest entry "), err);
    assertTrue(err.contains("; last finite loss "), err);
    assertTrue(err.contains(" at update 130; training stopped in epoch 2: best epoch 1 (validation "),
        err);
    assertTrue(err.contains("written to " + model), err);
    assertEquals(2, ModelFile.load(model).config().inputSize());
    assertPng(dir.resolve("irnn.recur.loss.png"));
    List<String> diagnostics = Files.readAllLines(dir.resolve("irnn.recur.diagnostics.csv"));
    assertEquals(1 + 130, diagnostics.size(), "a header and the 130 updates made");
    assertOnlyFiles("irnn.recur", "irnn.recur.loss.png", "irnn.recur.diagnostics.csv");

    CliRun evaluated = run("eval", model.toString(), "--task", "ADDING", "--steps", "8");
    assertEquals(0, evaluated.status(), evaluated.err());
  }

  @Test
  void skippingDivergingUpdatesStopsAfterTheLimitInARow() throws Exception {
    Path model = dir.resolve("skip.recur");
    CliRun skipped = run(concat(DIVERGING, "--on-divergence", "SKIP", "--max-skips", "3",
        "--out", model.toString()));
    assertEquals(1, skipped.status(), skipped.out());
    assertNoStackTrace(skipped);
    assertTrue(skipped.err().startsWith("recur: update 131: "), skipped.err());
    assertTrue(skipped.err().contains("; after 3 skipped updates in a row (3 skipped in all)"),
        skipped.err());
    assertTrue(skipped.err().contains("(3 diverging updates skipped)"), skipped.err());
    assertTrue(Files.exists(model));

    CliRun badLimit = run(concat(DIVERGING, "--on-divergence", "SKIP", "--max-skips", "0",
        "--out", dir.resolve("never.recur").toString()));
    assertEquals(2, badLimit.status());
    assertTrue(badLimit.err().startsWith("recur: --max-skips must be at least 1; got 0"),
        badLimit.err());
    assertFalse(Files.exists(dir.resolve("never.recur")));
  }

  @Test
  void aDivergedCharsRunWritesItsWeightsThePlotAndTheDiagnosticsAndExitsWithOne() throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "a learning rate of a hundred blows up. ".repeat(20));
    byte[] before = Files.readAllBytes(text);
    Path model = dir.resolve("chars.recur");
    String[] chars = {"train", "--task", "CHARS", "--data", text.toString(), "--steps", "10",
        "--hidden", "16", "--activation", "RELU", "--init", "IDENTITY", "--optimizer", "SGD",
        "--lr", "100", "--clip-value", "0", "--iterations", "200", "--no-progress",
        "--out", model.toString()};
    CliRun diverged = run(chars);
    assertEquals(1, diverged.status(), diverged.out());
    assertNoStackTrace(diverged);
    assertTrue(diverged.err().matches("(?s)recur: update (\\d+): .*; last finite loss .* at update"
        + " .*; training stopped: the weights after iteration .* written to " + model + ".*"),
        diverged.err());
    assertTrue(Files.exists(model));
    assertPng(dir.resolve("chars.recur.loss.png"));
    assertTrue(Files.exists(dir.resolve("chars.recur.diagnostics.csv")));

    CliRun skipped = run(concat(chars, "--on-divergence", "SKIP", "--max-skips", "2"));
    assertEquals(1, skipped.status(), skipped.out());
    assertTrue(skipped.err().contains("; after 2 skipped updates in a row"), skipped.err());
    assertArrayEquals(before, Files.readAllBytes(text));
    assertOnlyFiles("text.txt", "chars.recur", "chars.recur.loss.png", "chars.recur.diagnostics.csv");
  }

  /**
   * Values near the float maximum only at the end of the series, so only in validation windows:
   * a ReLU network's validation error overflows to infinity while training stays finite.
   */
  @Test
  void aNonFiniteValidationLossIsReportedAndEveryOutputWritten() throws Exception {
    Path csv = dir.resolve("series.csv");
    Files.writeString(csv, IntStream.range(0, 220)
        .mapToObj(i -> i < 200 ? Double.toString(Math.sin(i / 5.0) * 0.5) : "3.4028E38")
        .collect(Collectors.joining("\n", "", "\n")));
    byte[] series = Files.readAllBytes(csv);
    Path model = dir.resolve("csv.recur");
    Path plot = dir.resolve("csv.recur.loss.png");
    Files.writeString(plot, "an earlier plot");
    CliRun run = run("train", "--task", "CSV", "--data", csv.toString(), "--steps", "10",
        "--hidden", "8", "--epochs", "2", "--activation", "RELU", "--no-progress",
        "--out", model.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("epoch 2: training loss "), run.out());
    assertTrue(run.out().contains("validation loss Infinity"), run.out());
    assertTrue(run.out().contains("no epoch had a finite validation loss; the last weights (epoch 2)"
        + " written to " + model), run.out());
    assertEquals(1, ModelFile.load(model).config().inputSize());
    assertPng(plot);
    assertEquals(1 + 2 * 3, Files.readAllLines(dir.resolve("csv.recur.diagnostics.csv")).size(),
        "a header and 3 updates (84 training windows, 32 a batch) in each of 2 epochs");
    assertArrayEquals(series, Files.readAllBytes(csv));
    assertOnlyFiles("series.csv", "csv.recur", "csv.recur.loss.png", "csv.recur.diagnostics.csv");
  }
}
