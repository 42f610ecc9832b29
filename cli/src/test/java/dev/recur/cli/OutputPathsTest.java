package dev.recur.cli;

import static dev.recur.cli.CliRun.assertUnchanged;
import static dev.recur.cli.CliRun.run;
import static dev.recur.cli.CliRun.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a command writes never replaces what it reads or another of its outputs, goes to a folder
 * that exists, keeps what the model carries, and cleans up after runs that were killed.
 */
class OutputPathsTest {

  @TempDir Path dir;

  /** A tiny adding-problem run with {@code options} (pairs of option and value). */
  private static String[] tinyAdding(String... options) {
    return TinyTraining.adding(null, options);
  }

  private Path series() throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int t = 0; t < 200; t++) {
      csv.append(Math.sin(0.3 * t)).append('\n');
    }
    return Files.writeString(dir.resolve("series.csv"), csv);
  }

  @Test
  void theModelNeverReplacesTheTrainingData() throws Exception {
    Path data = series();
    Map<Path, byte[]> before = snapshot(dir);
    // the same file under two spellings, and through a link
    String sameData = dir + "/./series.csv";
    run("train", "--task", "CSV", "--data", data.toString(), "--out", sameData, "--no-progress")
        .refused(2, "--data " + data, "--out " + sameData, "are the same file");
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), data);
    before = snapshot(dir);
    run("train", "--task", "CSV", "--data", data.toString(), "--out", link.toString(), "--no-progress")
        .refused(2, "are the same file");
    assertUnchanged(dir, before);
  }

  @Test
  void theModelNeverReplacesTheCheckpoint() throws Exception {
    Path same = dir.resolve("run.bin");
    run(tinyAdding("--out", same.toString(), "--checkpoint", dir + "/../" + dir.getFileName() + "/run.bin"))
        .refused(2, "are the same file", "Name another file");
    run(tinyAdding("--out", dir.resolve("m.recur").toString(), "--checkpoint",
        dir.resolve("m.recur.loss.png").toString())).refused(2, "its plot", "are the same file");
    assertUnchanged(dir, Map.of());
  }

  @Test
  void aCheckpointMayBeResumedAndWrittenAgainUnderOneName() throws Exception {
    Path checkpoint = dir.resolve("run.ck");
    Path model = dir.resolve("m.recur");
    CliRun first = run(tinyAdding("--out", model.toString(), "--checkpoint", checkpoint.toString()));
    assertEquals(0, first.status(), first.err());
    CliRun resumed = run(tinyAdding("--epochs", "2", "--out", model.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", checkpoint.toString()));
    assertEquals(0, resumed.status(), resumed.err());
  }

  @Test
  void convertNeverReplacesItsInputAndKeepsMetadata() throws Exception {
    Path text = Files.writeString(dir.resolve("text.txt"), "abcabcabcabcabcabcabcabc ".repeat(8));
    Path chars = dir.resolve("chars.recur");
    CliRun trained = run("train", "--task", "CHARS", "--data", text.toString(), "--steps", "10",
        "--hidden", "8", "--iterations", "5", "--out", chars.toString(), "--no-progress");
    assertEquals(0, trained.status(), trained.err());
    Files.delete(dir.resolve("chars.recur.loss.png"));
    Files.delete(dir.resolve("chars.recur.diagnostics.csv"));

    Map<Path, byte[]> before = snapshot(dir);
    run("convert", chars.toString(), chars.toString()).refused(2, "are the same file");
    Path safetensors = dir.resolve("chars.safetensors");
    run("convert", chars.toString(), safetensors.toString())
        .refused(1, "safetensors cannot hold this model's recur.vocabulary");
    assertUnchanged(dir, before);

    Path copy = dir.resolve("copy.recur");
    assertEquals(0, run("convert", chars.toString(), copy.toString()).status());
    assertEquals(ModelFile.loadModel(chars).metadata(), ModelFile.loadModel(copy).metadata());
    CliRun generated = run("generate", copy.toString(), "--prime", "ab", "--length", "5");
    assertEquals(0, generated.status(), generated.err());
  }

  @Test
  void anOutputInAMissingFolderIsRefusedBeforeWork() throws Exception {
    Path model = dir.resolve("m.recur");
    assertEquals(0, run(tinyAdding("--out", model.toString())).status());
    Map<Path, byte[]> before = snapshot(dir);
    Path nowhere = dir.resolve("nodir").resolve("x.recur");
    run("convert", model.toString(), nowhere.toString())
        .refused(2, "OUT " + nowhere + ": folder " + nowhere.getParent() + " does not exist");
    run(tinyAdding("--out", nowhere.toString()))
        .refused(2, "--out " + nowhere + ": folder " + nowhere.getParent() + " does not exist");
    run(tinyAdding("--out", dir.toString())).refused(2, "--out " + dir + ": is a folder");
    assertUnchanged(dir, before);
  }

  @Test
  void temporaryFilesOfAKilledRunAreRemovedAndReported() throws Exception {
    Path model = dir.resolve("m.recur");
    Path atomic = Files.writeString(dir.resolve(".m.recur.8812345.tmp"), "half a model");
    Path partial = Files.writeString(dir.resolve("m.recur.diagnostics.csv.partial"), "update,loss");
    Path checkpointTemporary = Files.writeString(dir.resolve(".ck.77.tmp"), "half a checkpoint");
    Path notOurs = Files.writeString(dir.resolve(".m.recur.mine.tmp"), "a user's file");
    Path otherModel = Files.writeString(dir.resolve(".other.recur.123.tmp"), "another output's");

    CliRun trained = run(tinyAdding("--out", model.toString(), "--checkpoint",
        dir.resolve("ck").toString()));
    assertEquals(0, trained.status(), trained.err());
    for (Path stale : new Path[] {atomic, partial, checkpointTemporary}) {
      assertFalse(Files.exists(stale), stale + " removed");
      assertTrue(trained.out().contains("removed " + stale + ", left by an earlier run"), trained.out());
    }
    assertTrue(Files.exists(notOurs) && Files.exists(otherModel), "only recur's own names");
  }

  @Test
  void aStaleLookingInputIsNeverRemoved() throws Exception {
    String csv = Files.readString(series());
    Path input = Files.writeString(dir.resolve(".o.recur.12345.tmp"), csv);
    String[] train = {"train", "--task", "CSV", "--data", input.toString(), "--steps", "5",
        "--hidden", "4", "--epochs", "1", "--no-progress", "--out", dir.resolve("o.recur").toString()};
    CliRun trained = run(train);
    assertEquals(0, trained.status(), trained.err());
    assertFalse(trained.out().contains("removed"), trained.out());
    assertEquals(csv, Files.readString(input), input + " unchanged");

    // the file the diagnostics are streamed to is an output too
    Files.move(input, dir.resolve("o.recur.diagnostics.csv.partial"));
    train[4] = dir.resolve("o.recur.diagnostics.csv.partial").toString();
    Map<Path, byte[]> before = snapshot(dir);
    run(train).refused(2, "(its diagnostics while written)", "are the same file");
    assertUnchanged(dir, before);
  }

  @Test
  void onlyRegularFilesAreWrittenAndLinksAreWrittenThrough() throws Exception {
    Path model = dir.resolve("m.recur");
    assertEquals(0, run(tinyAdding("--out", model.toString())).status());
    Path fifo = dir.resolve("pipe");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    run("convert", model.toString(), fifo.toString())
        .refused(2, "OUT " + fifo + ": is not a regular file (a device or a pipe)");
    assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(),
        "the pipe is still a pipe");

    Path target = Files.writeString(dir.resolve("target.recur"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("link.recur"), target);
    assertEquals(0, run("convert", model.toString(), link.toString()).status());
    assertTrue(Files.isSymbolicLink(link), "the link is still a link");
    assertEquals(ModelFile.load(model).config(), ModelFile.load(target).config());
  }

  /** The diagnostics of a tiny three-epoch run that never stopped. */
  private String straightDiagnostics() throws Exception {
    Path straight = dir.resolve("straight.recur");
    assertEquals(0, run(tinyAdding("--epochs", "3", "--out", straight.toString())).status());
    return Files.readString(dir.resolve("straight.recur.diagnostics.csv"));
  }

  /** Two epochs of a tiny run writing {@code model}, checkpointed to m.ck, which it returns. */
  private Path twoEpochsCheckpointed(Path model) {
    Path checkpoint = dir.resolve("m.ck");
    assertEquals(0, run(tinyAdding("--epochs", "2", "--out", model.toString(), "--checkpoint",
        checkpoint.toString())).status());
    return checkpoint;
  }

  @Test
  void aResumedRunKeepsTheDiagnosticsOfTheRunItContinues() throws Exception {
    String straight = straightDiagnostics();
    Path model = dir.resolve("m.recur");
    Path checkpoint = twoEpochsCheckpointed(model);
    CliRun resumed = run(tinyAdding("--epochs", "3", "--out", model.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", checkpoint.toString()));
    assertEquals(0, resumed.status(), resumed.err());
    assertEquals(straight,
        Files.readString(dir.resolve("m.recur.diagnostics.csv")),
        "every update of the three epochs, as in a run that never stopped");
  }

  @Test
  void aRefusedResumeLeavesWhatAKilledRunWroteInPlace() throws Exception {
    Path model = dir.resolve("m.recur");
    Path checkpoint = twoEpochsCheckpointed(model);
    Path partial = dir.resolve("m.recur.diagnostics.csv.partial"); // as kill -9 leaves it
    Files.move(dir.resolve("m.recur.diagnostics.csv"), partial);
    Map<Path, byte[]> before = snapshot(dir);
    run(tinyAdding("--epochs", "3", "--hidden", "5", "--out", model.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", checkpoint.toString())).refused(1, "hidden");
    assertUnchanged(dir, before);
  }

  @Test
  void aLineCutShortByACrashIsDroppedWhenTheRunResumes() throws Exception {
    String straight = straightDiagnostics();
    Path model = dir.resolve("m.recur");
    Path checkpoint = twoEpochsCheckpointed(model);
    Path partial = dir.resolve("m.recur.diagnostics.csv.partial"); // as a crash mid-line leaves it
    Files.move(dir.resolve("m.recur.diagnostics.csv"), partial);
    Files.writeString(partial, "99999,0.5,1", java.nio.file.StandardOpenOption.APPEND);
    CliRun resumed = run(tinyAdding("--epochs", "3", "--out", model.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", checkpoint.toString()));
    assertEquals(0, resumed.status(), resumed.err());
    assertEquals(straight,
        Files.readString(dir.resolve("m.recur.diagnostics.csv")));
    assertFalse(Files.exists(partial));
  }

  @Test
  void diagnosticsAndPlotsAreWrittenThroughLinks() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path csv = Files.writeString(elsewhere.resolve("d.csv"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("m.recur.diagnostics.csv"), csv);
    Path dangling = Files.createSymbolicLink(dir.resolve("m.recur.loss.png"), elsewhere.resolve("p.png"));
    assertEquals(0, run(tinyAdding("--out", dir.resolve("m.recur").toString())).status());
    assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(dangling), "links stay links");
    assertTrue(Files.readString(csv).startsWith("update,loss"), "the linked file got the lines");
    assertTrue(Files.size(elsewhere.resolve("p.png")) > 0, "a dangling link's target is written");
  }

  @Test
  void theRootFolderIsNoOutput() throws Exception {
    run(tinyAdding("--out", "/")).refused(2, "--out must name a file, not a root folder; got /");
    Path model = dir.resolve("m.recur");
    assertEquals(0, run(tinyAdding("--out", model.toString())).status());
    run("convert", model.toString(), "/").refused(2, "OUT /: is a folder");
  }

  @Test
  void linkedDiagnosticsAreCheckedAndContinuedWhereTheyAreWritten() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path real = elsewhere.resolve("real.csv");
    Files.createSymbolicLink(dir.resolve("m.recur.diagnostics.csv"), real);
    // the file the diagnostics are streamed to lies beside the link's target
    Path data = Files.writeString(elsewhere.resolve("real.csv.partial"), Files.readString(series()));
    run("train", "--task", "CSV", "--data", data.toString(), "--steps", "5", "--hidden", "4",
        "--no-progress", "--out", dir.resolve("m.recur").toString())
        .refused(2, "(its diagnostics while written)", "are the same file");
    Files.delete(data);

    String straight = straightDiagnostics();
    Path model = dir.resolve("m.recur");
    Path checkpoint = twoEpochsCheckpointed(model);
    Files.move(real, elsewhere.resolve("real.csv.partial")); // as a kill leaves it, beside the target
    CliRun resumed = run(tinyAdding("--epochs", "3", "--out", model.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", checkpoint.toString()));
    assertEquals(0, resumed.status(), resumed.err());
    assertFalse(resumed.out().contains("removed"), "the history it continues is no stale file");
    assertEquals(straight, Files.readString(real));
  }

  @Test
  void aFinishedRunResumedKeepsItsDiagnosticsAndRefusesAnotherRunsLeftovers() throws Exception {
    Path model = dir.resolve("m.recur");
    Path checkpoint = twoEpochsCheckpointed(model);
    Path diagnostics = dir.resolve("m.recur.diagnostics.csv");
    String finished = Files.readString(diagnostics);
    String[] resume = tinyAdding("--epochs", "2", "--out", model.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", checkpoint.toString());
    assertEquals(0, run(resume).status());
    assertEquals(finished, Files.readString(diagnostics));

    Files.writeString(dir.resolve("m.recur.diagnostics.csv.partial"), "update,loss,gradient_norm,clipped,dh_0\n");
    run(resume).refused(1, "diagnostics of another run");
    assertEquals(finished, Files.readString(diagnostics));

    run(tinyAdding("--epochs", "1", "--out", model.toString(), "--resume", checkpoint.toString()))
        .refused(1, "has 2 epochs done already; the run asks for 1 in all");
  }

  @Test
  void anOutputLinkIntoAMissingFolderIsRefusedByName() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("out.recur"), dir.resolve("nowhere/x.recur"));
    run(tinyAdding("--out", link.toString()))
        .refused(2, "--out " + link + ": folder " + dir.resolve("nowhere") + " does not exist");
  }
}
