package dev.recur.cli;

import static dev.recur.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Options out of range are usage errors (exit 2) naming the option, checked before anything is
 * read or trained; sizes that cannot fit in memory are refused with the estimate (exit 1); and
 * no failure shows a stack trace unless {@code --verbose} asks for one.
 */
class CliOptionsTest {

  @TempDir Path dir;

  /** A model file; one with two outputs is a classifier of labels "a" and "b". */
  private Path model(int inputs, int outputs) throws Exception {
    Path file = dir.resolve("m" + inputs + "x" + outputs + ".recur");
    Parameters weights = Parameters.initialize(RnnConfig.builder(inputs, 4, outputs)
        .output(OutputFunction.SOFTMAX).seed(1).build());
    ModelFile.save(file, new ModelFile.SavedModel(weights,
        outputs == 2 ? Map.of(ModelFile.LABELS, "a\nb") : Map.of()));
    return file;
  }

  /** A tiny adding-problem run with {@code options} (pairs of option and value) replacing its own. */
  private CliRun train(String... options) {
    return run(TinyTraining.adding(dir.resolve("out.recur"), options));
  }

  @Test
  void nonFiniteAndNegativeValuesAreRefusedByName() {
    train("--clip", "NaN").refused(2, "--clip must be a finite number ≥ 0; got NaN");
    train("--lr", "Infinity").refused(2, "--lr must be a finite number > 0; got Infinity");
    train("--clip-value", "-1").refused(2, "--clip-value must be a finite number ≥ 0; got -1.0");
    run("latency", "--seconds", "NaN").refused(2, "--seconds must be a finite number ≥ 0.01; got NaN");
    run("demo", "--seconds", "-1").refused(2, "--seconds must be a finite number > 0; got -1.0");
    run("generate", "x.recur", "--prime", "a", "--temperature", "NaN")
        .refused(2, "--temperature must be a finite number > 0; got NaN");
    assertFalse(Files.exists(dir.resolve("out.recur")), "nothing was trained");
  }

  @Test
  void countsBelowTheirMinimumAreRefusedByName() throws Exception {
    train("--threads", "2", "--batch", "1")
        .refused(2, "--threads must be at most 1 (each thread takes a share of a --batch 1); got 2");
    train("--epochs", "0").refused(2, "--epochs must be at least 1; got 0");
    Path model = model(1, 1);
    run("eval", model.toString(), "--task", "ADDING", "--count", "-5")
        .refused(2, "--count must be at least 1; got -5");
    Path series = Files.writeString(dir.resolve("series.csv"), "1\n2\n3\n4\n5\n6\n");
    run("eval", model.toString(), "--task", "CSV", "--data", series.toString(), "--steps", "-5")
        .refused(2, "--steps must be at least 1; got -5");
    run("generate", model.toString(), "--prime", "").refused(2, "--prime needs at least one character");
  }

  @Test
  void aHorizonBeyondTheHeldOutSeriesIsRefused() throws Exception {
    Path model = model(1, 1);
    for (String horizon : new String[] {"100000", "2000000000"}) {
      run("eval", model.toString(), "--task", "MACKEY_GLASS", "--horizon", horizon).refused(2,
          "--horizon must be at most 300 (the held-out end of the Mackey-Glass series has that"
              + " many steps); got " + horizon);
    }
    CliRun scored = run("eval", model.toString(), "--task", "MACKEY_GLASS", "--horizon", "300");
    assertEquals(0, scored.status(), scored.err());
  }

  @Test
  void sizesThatCannotFitInMemoryAreRefusedBeforeAllocating() throws Exception {
    train("--steps", "100000000").refused(1, "of memory, more than this JVM may use", "-Xmx",
        "--steps");
    train("--hidden", "20000").refused(1, "400", "parameters", "--hidden");
    run("generate", model(3, 3).toString(), "--prime", "a", "--length", "2000000000")
        .refused(1, "generating 2000000000 characters needs about", "--length");
  }

  @Test
  void messagesTalkAboutTheUsersDataAndOptions() throws Exception {
    Path labelled = Files.writeString(dir.resolve("labelled.csv"), "a,1,2,3\nb,4,5,6\na,7,8,9\n");
    run("eval", model(6, 2).toString(), "--task", "CLASSIFY", "--data", labelled.toString(),
        "--input-size", "3").refused(1, "takes 6 values per step", labelled.toString(),
        "--input-size 6 (it was 3)");

    Path text = Files.writeString(dir.resolve("short.txt"), "abc");
    run("train", "--task", "CHARS", "--data", text.toString(), "--out",
        dir.resolve("c.recur").toString(), "--no-progress")
        .refused(1, text + " has 3 characters", "--steps 50", "at least 51");

    Path oneSentence = Files.writeString(dir.resolve("one.tsv"), "a\tX\nb\tY\n");
    CliRun tagged = run("train", "--task", "TAG", "--data", oneSentence.toString(), "--out",
        dir.resolve("t.recur").toString(), "--no-progress")
        .refused(1, oneSentence + " gives 1 sentences", "at least 2");
    assertFalse(tagged.err().contains("--steps"), "a tagger has no --steps to change");
  }

  @Test
  void fileProblemsSayWhatHappenedToWhichFile() throws Exception {
    Path missing = dir.resolve("nosuch.recur");
    run("predict", missing.toString(), "--input", "x.csv").refused(2, missing + ": no such file");
    run("predict", dir.toString(), "--input", "x.csv").refused(2, dir + ": is a folder, not a file");
    Path steps = Files.write(dir.resolve("steps.csv"), new byte[] {'1', '\n', (byte) 0xFF, '\n'});
    run("predict", model(1, 1).toString(), "--input", steps.toString())
        .refused(1, steps + " line 2: byte offset 2 (0xFF): not UTF-8 text");
  }

  @Test
  void predictReadsInputsSavedWithAByteOrderMark() throws Exception {
    Path model = model(2, 2);
    Path plain = Files.writeString(dir.resolve("plain.csv"), "0.5,1\n2,3\n");
    Path marked = Files.writeString(dir.resolve("marked.csv"), "\uFEFF0.5,1\n2,3\n");
    CliRun expected = run("predict", model.toString(), "--input", plain.toString());
    CliRun withMark = run("predict", model.toString(), "--input", marked.toString());
    assertEquals(0, withMark.status(), withMark.err());
    assertEquals(expected.out(), withMark.out());
  }

  /** One line, one step: a blank line inside the input would shift every later output row. */
  @Test
  void predictRefusesABlankLineBetweenStepsButNotAtTheEnd() throws Exception {
    Path model = model(2, 2);
    Path gap = Files.writeString(dir.resolve("gap.csv"), "0.5,1\n\n2,3\n");
    run("predict", model.toString(), "--input", gap.toString())
        .refused(1, "gap.csv: line 2 is blank; each line is one step, so blank lines may only end"
            + " the file");
    Path trailing = Files.writeString(dir.resolve("trailing.csv"), "0.5,1\n2,3\n\n  \n");
    Path plain = Files.writeString(dir.resolve("plain.csv"), "0.5,1\n2,3\n");
    CliRun expected = run("predict", model.toString(), "--input", plain.toString());
    CliRun withBlankEnd = run("predict", model.toString(), "--input", trailing.toString());
    assertEquals(0, withBlankEnd.status(), withBlankEnd.err());
    assertEquals(expected.out(), withBlankEnd.out());
  }

  /** Stand-in commands that fail the ways only a bug or the heap can. */
  @Command(name = "out-of-memory")
  static final class RunsOutOfMemory implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Command(name = "bug")
  static final class HasABug implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new NullPointerException("a bug");
    }
  }

  @Test
  void outOfMemoryAndBugsAreOneLineUnlessVerbose() {
    CommandLine cli = RecurCli.commandLine()
        .addSubcommand(new RunsOutOfMemory()).addSubcommand(new HasABug());
    run(cli, "out-of-memory").refused(1, "out of memory", "-Xmx");
    CliRun bug = run(cli, "bug");
    assertEquals(1, bug.status());
    assertEquals("recur: internal error (java.lang.NullPointerException: a bug); please report it"
        + " with the output of the same command with --verbose", bug.err().strip());
    CliRun verbose = run(cli, "bug", "--verbose");
    assertEquals(1, verbose.status());
    assertTrue(verbose.err().startsWith("recur: internal error"), verbose.err());
    assertTrue(verbose.err().contains("\tat dev.recur.cli.CliOptionsTest$HasABug.call"), verbose.err());
  }

  @Test
  void optionsOfAnotherTaskAreRefusedNotIgnored() throws Exception {
    Path text = Files.writeString(dir.resolve("text.txt"), "abcabcabc ".repeat(20));
    run("train", "--task", "CHARS", "--data", text.toString(), "--batch", "8", "--out",
        dir.resolve("c.recur").toString()).refused(2, "--batch does not apply to --task CHARS");
    train("--iterations", "10").refused(2, "--iterations does not apply to --task ADDING");
    train("--data", text.toString()).refused(2, "--data does not apply to --task ADDING");
    run("train", "--task", "CSV", "--out", dir.resolve("x.recur").toString())
        .refused(2, "--data is needed by --task CSV");
    train("--steps", "1").refused(2, "--steps must be at least 2; got 1");
    train("--checkpoint-every", "5").refused(2, "--checkpoint-every does not apply to a run without --checkpoint");
    train("--max-skips", "3").refused(2, "--max-skips does not apply to --on-divergence STOP");
    run("train", "--task", "CLASSIFY", "--data", text.toString(), "--steps", "5", "--out",
        dir.resolve("x.recur").toString()).refused(2, "--steps does not apply to --task CLASSIFY");
    run("eval", model(2, 1).toString(), "--task", "ADDING", "--horizon", "10")
        .refused(2, "--horizon does not apply to --task ADDING");
    assertFalse(Files.exists(dir.resolve("c.recur")));
  }

  @Test
  void theModelsStructureIsCheckedByName() throws Exception {
    train("--layers", "0").refused(2, "--layers must be at least 1; got 0");
    train("--layers", "65")
        .refused(2, "--layers must be at most 64 (the most a model may have); got 65");
    train("--embedding", "-1").refused(2, "--embedding must be at least 0; got -1");
    train("--layers", "2", "--dropout", "1").refused(2,
        "--dropout must be a finite number in [0, 1); got 1.0");
    train("--layers", "2", "--dropout", "NaN").refused(2,
        "--dropout must be a finite number in [0, 1); got NaN");
    train("--dropout", "0.5").refused(2,
        "--dropout acts between recurrent layers, so it needs --layers 2 or more; got --layers 1");
    train("--embedding", "8").refused(2,
        "--embedding does not apply to --task ADDING (its inputs are numbers, not tokens)");
    run("train", "--task", "MACKEY_GLASS", "--bidirectional", "--out",
        dir.resolve("mg.recur").toString()).refused(2, "--bidirectional does not"
        + " apply to --task MACKEY_GLASS (a forecast's target is the next input, which a reverse"
        + " direction would read)");
    Path text = Files.writeString(dir.resolve("text.txt"), "abcabcabc ".repeat(20));
    run("train", "--task", "CHARS", "--data", text.toString(), "--bidirectional", "--out",
        dir.resolve("c.recur").toString()).refused(2, "--bidirectional does not apply to --task"
        + " CHARS (trained by truncated BPTT, which carries the state forward from chunk to chunk"
        + " of one stream: there are no later characters for a reverse direction to read)");
    run("train", "--task", "SEGMENT", "--out", dir.resolve("s.recur").toString())
        .refused(2, "--data is needed by --task SEGMENT");
    run("train", "--task", "SEGMENT", "--data", text.toString(), "--out",
        dir.resolve("s.safetensors").toString()).refused(2, "--out must name a recur file (not"
        + " .safetensors): a SEGMENT model keeps its vocabulary or labels");
    run("eval", model(2, 1).toString(), "--task", "SEGMENT", "--data", text.toString(),
        "--count", "3").refused(2, "--count does not apply to --task SEGMENT");
    assertFalse(Files.exists(dir.resolve("out.recur")), "nothing was trained");
    assertFalse(Files.exists(dir.resolve("c.recur")));
  }

  @Test
  void latencyRefusesRunsThatCouldNotMeasureAnything() {
    run("latency", "--rate", "1e12", "--seconds", "0.05")
        .refused(2, "--rate × --seconds 0.05 must ask for at most 100000000 steps");
    run("latency", "--seconds", "1e300").refused(2, "--seconds must be at most 86400.0 (a day)");
    run("train", "--task", "ADDING", "--hidden", "65536", "--epochs", "1", "--no-progress", "--out",
        "never.recur").refused(2, "no model of these options can be made (--hidden 65536",
        "do not fit a Java array");
    run("eval", "m.safetensors", "--task", "TAG", "--data", "x.tsv").refused(2,
        "MODEL must be a recur file for --task TAG", "safetensors cannot hold");
    run("latency", "--hidden", "8,16,8").refused(2, "--hidden must name each size once; got [8, 16, 8]");
    run("latency", "--rate", "1", "--seconds", "0.05")
        .refused(2, "--rate × --seconds 0.05 must ask for at least one step; got 1.0");
    run("latency", "--seconds", "1e-9").refused(2, "--seconds must be a finite number ≥ 0.01");
    run("latency", "--input", "100000").refused(2, "--input must be at most 65536");
    run("demo", "--hidden", "60000").refused(1, "a demo model with --hidden 60000 needs about");
  }

  @Test
  void aModelIsScoredOnlyAsWhatItIs() throws Exception {
    Path tagged = Files.writeString(dir.resolve("tagged.tsv"), "a\tX\nb\tY\n\nb\tY\na\tX\n");
    Path tagger = dir.resolve("tagger.recur");
    assertEquals(0, run("train", "--task", "TAG", "--data", tagged.toString(), "--hidden", "4",
        "--epochs", "1", "--no-progress", "--out", tagger.toString()).status());
    Path labelled = Files.writeString(dir.resolve("labelled.csv"), "X,1,2\nY,3,4\n");
    int vocabulary = ModelFile.load(tagger).config().inputSize();
    run("eval", tagger.toString(), "--task", "CLASSIFY", "--data", labelled.toString(),
        "--input-size", String.valueOf(vocabulary))
        .refused(1, tagger + " is a tagger", "--task TAG");

    Path classifier = model(1, 2); // labels a and b
    Path unknown = Files.writeString(dir.resolve("unknown.csv"), "a,1\nzzz,2\n");
    run("eval", classifier.toString(), "--task", "CLASSIFY", "--data", unknown.toString())
        .refused(1, unknown + " line 2: label 'zzz' is not one the model knows [a, b]");
    Path oneLabel = Files.writeString(dir.resolve("one-label.csv"), "b,1\nb,2\n");
    CliRun scored = run("eval", classifier.toString(), "--task", "CLASSIFY", "--data", oneLabel.toString());
    assertEquals(0, scored.status(), scored.err());
    assertTrue(scored.out().startsWith("classification: "), scored.out());

    run("eval", model(3, 1).toString(), "--task", "MACKEY_GLASS")
        .refused(1, "m3x1.recur takes 3 inputs and gives 1 outputs; a MACKEY_GLASS model");
  }

  @Test
  void predictPrintsNothingWhenALaterLineIsBad() throws Exception {
    Path steps = Files.writeString(dir.resolve("steps.csv"), "0.1,0.2\n0.1,abc\n");
    CliRun bad = run("predict", model(2, 2).toString(), "--input", steps.toString())
        .refused(1, steps + " line 2: 'abc' is not a number");
    assertEquals("", bad.out(), "no output for the good first line");
  }

  @Test
  void cellsAreDecimalNumbersAndNothingElse() throws Exception {
    Path model = model(2, 2);
    for (String cell : new String[] {"1d", "0x1p3", "NaN", "Infinity", "1f", ""}) {
      Path steps = Files.writeString(dir.resolve("steps.csv"), "0.5," + cell + "\n");
      run("predict", model.toString(), "--input", steps.toString())
          .refused(1, steps + " line 1: '" + cell + "' is not a number");
    }
    Path huge = Files.writeString(dir.resolve("huge.csv"), "0.5,1e39\n");
    run("predict", model.toString(), "--input", huge.toString())
        .refused(1, huge + " line 1: 1e39 is beyond a float's range");
  }

  @Test
  void safeTensorsOptionsNeverOverrideWhatAFileSaysAboutItself() throws Exception {
    Path relu = dir.resolve("relu.safetensors");
    dev.recur.io.SafeTensorsFile.write(relu, Parameters.initialize(RnnConfig.builder(2, 4, 2)
        .activation(dev.recur.Activation.RELU).seed(1).build()), dev.recur.io.PyTorchNames.rnnAndHead());
    Path steps = Files.writeString(dir.resolve("steps.csv"), "0.5,1\n");
    run("predict", relu.toString(), "--input", steps.toString(), "--activation", "TANH")
        .refused(1, "its metadata says Activation RELU", "not the TANH asked for");
    run("predict", model(2, 2).toString(), "--input", steps.toString(), "--activation", "TANH")
        .refused(2, "--activation applies to safetensors files", "in recur's format");
    run("predict", model(2, 2).toString(), "--input", steps.toString(), "--rnn-prefix", "enc.")
        .refused(2, "--rnn-prefix applies to safetensors files");
  }

  @Test
  void aFileOfTheWrongKindIsNamedForWhatItIs() throws Exception {
    Path checkpoint = dir.resolve("run.ck");
    Path model = dir.resolve("m.recur");
    assertEquals(0, run(TinyTraining.adding(model, "--checkpoint", checkpoint.toString())).status());
    Path steps = Files.writeString(dir.resolve("steps.csv"), "0.5,1\n");
    run("predict", checkpoint.toString(), "--input", steps.toString())
        .refused(1, "is a recur training checkpoint (train --checkpoint), not a recur model file");
    run(TinyTraining.adding(dir.resolve("other.recur"), "--resume", model.toString()))
        .refused(1, "is a recur model file, not a recur training checkpoint");
    run(TinyTraining.adding(dir.resolve("other.recur"), "--resume", steps.toString()))
        .refused(1, "not a recur training checkpoint (train --checkpoint) (wrong magic bytes)");
  }
}
