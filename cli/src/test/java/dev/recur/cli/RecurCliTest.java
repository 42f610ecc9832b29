package dev.recur.cli;

import static dev.recur.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecurCliTest {

  @TempDir Path dir;

  @Test
  void convertThenPredictGivesPyTorchsOutputsFromEitherFormat() throws Exception {
    Path pytorch = Path.of(getClass().getResource("/dev/recur/interop/tanh-softmax-bias.safetensors").toURI());
    Path nativeFile = dir.resolve("model.recur");
    CliRun converted = run("convert", pytorch.toString(), nativeFile.toString());
    assertEquals(0, converted.status(), converted.err());
    assertTrue(converted.out().contains("I=6 H=21 O=5 TANH SOFTMAX, bias SINGLE"), converted.out());

    List<String> io = Files.readAllLines(pytorch.resolveSibling("tanh-softmax-bias.io.txt"));
    String[] inputs = io.get(1).substring("inputs ".length()).split(" ");
    double[] expected = Arrays.stream(io.get(2).substring("outputs ".length()).split(" "))
        .mapToDouble(Double::parseDouble).toArray();
    StringBuilder csv = new StringBuilder();
    for (int t = 0; t < 12; t++) {
      csv.append(String.join(",", Arrays.copyOfRange(inputs, t * 6, t * 6 + 6))).append('\n');
    }
    Path steps = dir.resolve("steps.csv");
    Files.writeString(steps, csv);

    CliRun fromNative = run("predict", nativeFile.toString(), "--input", steps.toString());
    CliRun fromSafeTensors = run("predict", pytorch.toString(), "--input", steps.toString());
    assertEquals(0, fromNative.status(), fromNative.err());
    assertEquals(fromNative.out(), fromSafeTensors.out(), "both formats hold the same model");
    double[] printed = fromNative.out().lines()
        .flatMap(line -> Arrays.stream(line.split(","))).mapToDouble(Double::parseDouble).toArray();
    assertEquals(expected.length, printed.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], printed[i], 1e-4, "output " + i); // softmax outputs are ≤ 1
    }
  }

  @Test
  void safeTensorsWithTensorsRecurDoesNotReadLoadOnlyWhenTheyAreIgnored() throws Exception {
    Path pytorch = Path.of(getClass().getResource("/dev/recur/interop/tanh-softmax-bias.safetensors").toURI());
    byte[] model = Files.readAllBytes(pytorch);
    Path steps = dir.resolve("steps.csv");
    Files.writeString(steps, "0.5,0,0,0,0,-1\n1,2,3,4,5,6\n");

    Path stacked = dir.resolve("stacked.safetensors");
    Files.write(stacked, dev.recur.io.SafeTensorsBytes.withTensor(model, "rnn.weight_ih_l1", "F32", 21, 21));
    CliRun refused = run("predict", stacked.toString(), "--input", steps.toString());
    assertEquals(1, refused.status());
    assertEquals("recur: " + stacked + ": has no tensor 'rnn.weight_hh_l1', which layer 1 needs"
        + " beside [rnn.weight_ih_l1]", refused.err().strip());

    Path withBatchNorm = dir.resolve("bn.safetensors");
    Files.write(withBatchNorm, dev.recur.io.SafeTensorsBytes.withTensor(model, "bn.num_batches_tracked", "I64"));
    assertEquals(1, run("predict", withBatchNorm.toString(), "--input", steps.toString()).status());
    CliRun ignored = run("predict", withBatchNorm.toString(), "--input", steps.toString(),
        "--ignore-tensor", "bn.num_batches_tracked");
    assertEquals(0, ignored.status(), ignored.err());
    assertEquals(run("predict", pytorch.toString(), "--input", steps.toString()).out(), ignored.out());
  }

  @Test
  void badInputNamesTheFileAndLine() throws Exception {
    Path model = Path.of(getClass().getResource("/dev/recur/interop/relu-identity-nobias.safetensors").toURI());
    Path steps = dir.resolve("bad.csv");
    Files.writeString(steps, "1,2,3,4\n1,2,x,4\n");
    CliRun bad = run("predict", model.toString(), "--input", steps.toString());
    assertEquals(1, bad.status());
    assertEquals("recur: " + steps + " line 2: 'x' is not a number", bad.err().strip());

    Files.writeString(steps, "1,2,3\n");
    assertEquals("recur: " + steps + " line 1: 3 values, the model expects 4",
        run("predict", model.toString(), "--input", steps.toString()).err().strip());

    Path notAModel = dir.resolve("junk.recur");
    Files.writeString(notAModel, "hello, world, this is not a model");
    CliRun junk = run("convert", notAModel.toString(), dir.resolve("out.safetensors").toString());
    assertEquals(1, junk.status());
    assertEquals("recur: " + notAModel + ": not a recur model file (wrong magic bytes)", junk.err().strip());
    assertTrue(!Files.exists(dir.resolve("out.safetensors")), "nothing written after a failed read");
  }

  @Test
  void trainWritesTheModelAPlotAndDiagnostics() throws Exception {
    Path model = dir.resolve("adding.recur");
    CliRun trained = run("train", "--task", "ADDING", "--steps", "8", "--hidden", "16", "--epochs", "2",
        "--activation", "RELU", "--init", "IDENTITY", "--lr", "0.01", "--no-progress",
        "--out", model.toString());
    assertEquals(0, trained.status(), trained.err());
    assertTrue(trained.out().contains("epoch 2: training loss"), trained.out());
    assertEquals(2, dev.recur.io.ModelFile.load(model).config().inputSize());
    byte[] png = Files.readAllBytes(dir.resolve("adding.recur.loss.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    List<String> diagnostics = Files.readAllLines(dir.resolve("adding.recur.diagnostics.csv"));
    assertEquals("update,loss,gradient_norm,clipped,dh_0,dh_1,dh_2,dh_3,dh_4,dh_5,dh_6,dh_7",
        diagnostics.get(0));
    assertEquals(1 + 2 * 157, diagnostics.size(), "one line per update: 5000 / 32 → 157 per epoch");
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(model)));
  }

  @Test
  void trainACharacterModelThenGenerateFromIt() throws Exception {
    Path text = dir.resolve("fox.txt");
    Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(40));
    Path model = dir.resolve("fox.recur");
    CliRun trained = run("train", "--task", "CHARS", "--data", text.toString(), "--steps", "25",
        "--hidden", "64", "--optimizer", "ADAGRAD", "--lr", "0.1", "--iterations", "600",
        "--no-progress", "--out", model.toString());
    assertEquals(0, trained.status(), trained.err());
    assertTrue(Files.exists(dir.resolve("fox.recur.loss.png")));
    List<String> diagnostics = Files.readAllLines(dir.resolve("fox.recur.diagnostics.csv"));
    assertEquals(601, diagnostics.size(), "a header and one line per chunk");
    assertTrue(diagnostics.get(0).startsWith("update,loss,gradient_norm,clipped,dh_0,"));
    assertEquals(4 + 25, diagnostics.get(600).split(",").length, diagnostics.get(600));
    assertFalse(Files.exists(dir.resolve("fox.recur.diagnostics.csv.partial")));

    CliRun generated = run("generate", model.toString(), "--prime", "the quick ", "--length", "35",
        "--temperature", "0.05");
    assertEquals(0, generated.status(), generated.err());
    assertEquals("the quick brown fox jumps over the lazy dog. ", generated.out().strip() + " ");

    CliRun unknown = run("generate", model.toString(), "--prime", "THE");
    assertEquals(1, unknown.status());
    // a pangram: 26 letters, the space and the full stop
    assertEquals("recur: 'T' (U+54) is not in the vocabulary of 28 characters", unknown.err().strip());
  }

  @Test
  void generateNeedsACharacterModel() throws Exception {
    Path model = dir.resolve("plain.recur");
    dev.recur.io.ModelFile.save(model, dev.recur.Parameters.initialize(
        dev.recur.RnnConfig.builder(3, 4, 3).build()));
    CliRun run = run("generate", model.toString(), "--prime", "a");
    assertEquals(1, run.status());
    assertEquals("recur: " + model + " has no vocabulary: it is not a character model", run.err().strip());
  }

  @Test
  void evalScoresTrainedModelsOnFreshData() throws Exception {
    Path adding = dir.resolve("adding.recur");
    assertEquals(0, run("train", "--task", "ADDING", "--steps", "10", "--hidden", "32", "--epochs", "8",
        "--activation", "RELU", "--init", "IDENTITY", "--lr", "0.01", "--no-progress",
        "--out", adding.toString()).status());
    CliRun scored = run("eval", adding.toString(), "--task", "ADDING", "--steps", "10", "--count", "2000");
    assertEquals(0, scored.status(), scored.err());
    java.util.regex.Matcher mse = java.util.regex.Pattern
        .compile("adding problem T=10, 2000 test sequences: MSE ([0-9.]+) \\(always answering 1: 0.16667\\)")
        .matcher(scored.out());
    assertTrue(mse.find(), scored.out());
    assertTrue(Double.parseDouble(mse.group(1)) < 0.05, scored.out());

    Path series = dir.resolve("mg.recur");
    assertEquals(0, run("train", "--task", "MACKEY_GLASS", "--steps", "40", "--hidden", "16",
        "--epochs", "3", "--lr", "0.01", "--no-progress", "--out", series.toString()).status());
    CliRun forecast = run("eval", series.toString(), "--task", "MACKEY_GLASS");
    assertEquals(0, forecast.status(), forecast.err());
    assertTrue(forecast.out().matches("(?s)Mackey-Glass τ=17: one-step NRMSE [0-9.]+ over 299 steps;"
        + " free-running 84-step NRMSE [0-9.]+ after teacher forcing\\s*"), forecast.out());
  }

  /** Two phase-shifted sines: the next step follows from the last two, which persistence ignores. */
  @Test
  void csvSeriesTrainsAndEvaluatesOnAFile() throws Exception {
    Path train = dir.resolve("waves.csv");
    Path test = dir.resolve("later.csv");
    for (Path file : List.of(train, test)) {
      StringBuilder csv = new StringBuilder("a,b\n");
      int from = file == train ? 0 : 5000;
      for (int t = from; t < from + 1200; t++) {
        csv.append((float) Math.sin(0.3 * t)).append(',').append((float) Math.cos(0.21 * t)).append('\n');
      }
      Files.writeString(file, csv);
    }
    Path model = dir.resolve("waves.recur");
    CliRun trained = run("train", "--task", "CSV", "--data", train.toString(), "--header",
        "--steps", "20", "--hidden", "16", "--epochs", "40", "--lr", "0.01", "--no-progress",
        "--out", model.toString());
    assertEquals(0, trained.status(), trained.err());
    CliRun scored = run("eval", model.toString(), "--task", "CSV", "--data", test.toString(),
        "--header", "--steps", "20");
    assertEquals(0, scored.status(), scored.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("series: one-step NRMSE ([0-9.]+)"
        + " over 1179 steps × 2 columns after a warm-up of 20; persistence ([0-9.]+)").matcher(scored.out());
    assertTrue(m.find(), scored.out());
    double nrmse = Double.parseDouble(m.group(1));
    double persistence = Double.parseDouble(m.group(2));
    assertTrue(nrmse < persistence / 3, scored.out());
  }

  @Test
  void classifyTrainsAndEvaluatesOnLabelledFiles() throws Exception {
    java.util.Random random = new java.util.Random(4);
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    for (Path file : List.of(train, test)) {
      StringBuilder csv = new StringBuilder();
      for (int s = 0; s < (file == train ? 800 : 300); s++) {
        double sum = 0;
        StringBuilder row = new StringBuilder();
        for (int t = 0; t < 8; t++) {
          double v = random.nextGaussian();
          sum += v;
          row.append(',').append((float) v);
        }
        csv.append(sum > 0 ? "positive" : "negative").append(row).append('\n');
      }
      Files.writeString(file, csv);
    }
    Path model = dir.resolve("sign.recur");
    CliRun trained = run("train", "--task", "CLASSIFY", "--data", train.toString(), "--hidden", "16",
        "--epochs", "15", "--lr", "0.01", "--no-progress", "--out", model.toString());
    assertEquals(0, trained.status(), trained.err());
    CliRun scored = run("eval", model.toString(), "--task", "CLASSIFY", "--data", test.toString());
    assertEquals(0, scored.status(), scored.err());
    java.util.regex.Matcher accuracy = java.util.regex.Pattern
        .compile("classification: \\d+ of 300 correct, accuracy ([0-9.]+)").matcher(scored.out());
    assertTrue(accuracy.find(), scored.out());
    assertTrue(Double.parseDouble(accuracy.group(1)) > 0.9, scored.out()); // chance: 0.5
  }

  /**
   * The tag of "run", "fish" or "walk" (NOUN or VERB) depends on the determiner or pronoun that
   * began the sentence, up to three tokens back, so a tagger must remember; chance on those
   * words is one half. Test sentences hold a word the model never saw, read as unknown.
   */
  @Test
  void tagTrainsAndEvaluatesOnTaggedSentences() throws Exception {
    java.util.Random random = new java.util.Random(9);
    Path train = dir.resolve("train.tsv");
    Path test = dir.resolve("test.tsv");
    String[] ambiguous = {"run", "fish", "walk"};
    for (Path file : List.of(train, test)) {
      StringBuilder tsv = new StringBuilder();
      for (int s = 0; s < (file == train ? 600 : 200); s++) {
        boolean noun = random.nextBoolean();
        tsv.append(noun ? (random.nextBoolean() ? "the\tDET\n" : "a\tDET\n")
            : (random.nextBoolean() ? "they\tPRON\n" : "we\tPRON\n"));
        for (int m = random.nextInt(3); m > 0; m--) {
          tsv.append(noun ? "big\tADJ\n" : "often\tADV\n");
        }
        tsv.append(ambiguous[random.nextInt(3)]).append(noun ? "\tNOUN\n" : "\tVERB\n");
        if (file == test && s == 0) {
          tsv.append("quietly\tADV\n");
        }
        tsv.append(".\tPUNCT\n\n");
      }
      Files.writeString(file, tsv);
    }
    Path model = dir.resolve("tagger.recur");
    CliRun trained = run("train", "--task", "TAG", "--data", train.toString(), "--hidden", "16",
        "--epochs", "20", "--lr", "0.01", "--batch", "16", "--no-progress", "--out", model.toString());
    assertEquals(0, trained.status(), trained.err());
    List<String> diagnostics = Files.readAllLines(dir.resolve("tagger.recur.diagnostics.csv"));
    assertEquals(1 + 20 * 30, diagnostics.size(), "a header and one line per update (480/16 a epoch)");

    CliRun scored = run("eval", model.toString(), "--task", "TAG", "--data", test.toString());
    assertEquals(0, scored.status(), scored.err());
    java.util.regex.Matcher accuracy = java.util.regex.Pattern
        .compile("tagging: (\\d+) of (\\d+) tokens correct, accuracy ([0-9.]+) \\(200 sentences, 1"
            + " tokens unknown to the model\\)").matcher(scored.out());
    assertTrue(accuracy.find(), scored.out());
    // every token but the ambiguous ones is tagged by itself; a model that ignored the context
    // would get about half of the 200 ambiguous ones wrong: accuracy ≈ 1 - 100/total
    int total = Integer.parseInt(accuracy.group(2));
    int wrong = total - Integer.parseInt(accuracy.group(1));
    assertTrue(wrong <= 5, scored.out());
  }

  /** Stopping and resuming from a checkpoint writes the same model file as one straight run. */
  @Test
  void resumedRunsWriteTheStraightRunsModel() throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "checkpoints keep the state of a run. ".repeat(20));
    String[] chars = {"train", "--task", "CHARS", "--data", text.toString(), "--steps", "10",
        "--hidden", "16", "--optimizer", "ADAM", "--lr", "0.01", "--no-progress"};
    assertEquals(0, run(concat(chars, "--iterations", "90", "--out", dir.resolve("straight.recur").toString())).status());
    Path checkpoint = dir.resolve("chars.ckpt");
    CliRun first = run(concat(chars, "--iterations", "40", "--checkpoint", checkpoint.toString(),
        "--checkpoint-every", "15", "--out", dir.resolve("part.recur").toString()));
    assertEquals(0, first.status(), first.err());
    CliRun second = run(concat(chars, "--iterations", "90", "--resume", checkpoint.toString(),
        "--out", dir.resolve("resumed.recur").toString()));
    assertEquals(0, second.status(), second.err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("straight.recur")),
        Files.readAllBytes(dir.resolve("resumed.recur")));
    CliRun done = run(concat(chars, "--iterations", "30", "--resume", checkpoint.toString(),
        "--out", dir.resolve("again.recur").toString()));
    assertEquals(1, done.status());
    assertTrue(done.err().contains("is at iteration 40 already"), done.err());

    String[] adding = {"train", "--task", "ADDING", "--steps", "8", "--hidden", "8", "--batch", "50",
        "--no-progress"};
    assertEquals(0, run(concat(adding, "--epochs", "3", "--out", dir.resolve("a.recur").toString())).status());
    Path trainerCheckpoint = dir.resolve("adding.ckpt");
    assertEquals(0, run(concat(adding, "--epochs", "1", "--checkpoint", trainerCheckpoint.toString(),
        "--out", dir.resolve("a1.recur").toString())).status());
    CliRun resumed = run(concat(adding, "--epochs", "3", "--resume", trainerCheckpoint.toString(),
        "--out", dir.resolve("a3.recur").toString()));
    assertEquals(0, resumed.status(), resumed.err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("a.recur")), Files.readAllBytes(dir.resolve("a3.recur")));
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void modelsWithVocabulariesRefuseSafeTensorsBeforeTraining() throws Exception {
    Path tagged = dir.resolve("tagged.tsv");
    Files.writeString(tagged, "a\tX\nb\tY\n\nb\tY\n");
    CliRun refused = run("train", "--task", "TAG", "--data", tagged.toString(), "--out",
        dir.resolve("x.safetensors").toString());
    refused.refused(2, "--out must name a recur file (not .safetensors): a TAG model keeps its"
        + " vocabulary or labels");
    assertFalse(Files.exists(dir.resolve("x.safetensors.diagnostics.csv.partial")), "no work done");
  }

  /** A tiny latency run: every measurement reported with its percentiles and written out. */
  @Test
  void latencyWritesPercentilesHistogramsAndAPlot() throws Exception {
    Path folder = dir.resolve("latency");
    CliRun latency = run("latency", "--hidden", "8,16", "--input", "4", "--output", "3", "--seconds",
        "0.05", "--warm-up", "100", "--rate", "2000", "--out", folder.toString());
    assertEquals(0, latency.status(), latency.err());
    for (String name : List.of("step H=8 flat", "step H=8 2000/s", "stalls H=8 idle 1ms",
        "train H=8", "step H=16 flat", "step H=16 2000/s", "stalls H=16 idle 1ms", "train H=16")) {
      assertTrue(latency.out().matches("(?s).*\\n" + java.util.regex.Pattern.quote(name)
          + " +\\d+( +[0-9.]+){6}\\n.*"), name + " in\n" + latency.out());
    }
    // open loop at 2000/s for 0.05 s: exactly 100 steps are meant to start
    assertTrue(latency.out().matches("(?s).*step H=8 2000/s +100 .*"), latency.out());
    for (String file : List.of("step-H8-flat.hgrm", "step-H8-2000-per-s.hgrm",
        "stalls-H8-idle-1ms.hgrm", "train-H16.hgrm", "latency.png")) {
      assertTrue(Files.size(folder.resolve(file)) > 0, file);
    }
    assertTrue(Files.readString(folder.resolve("step-H16-flat.hgrm")).contains("#[Mean"));

    CliRun bad = run("latency", "--seconds", "0", "--out", folder.toString());
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("--seconds must be a finite number ≥ 0.01; got 0.0"), bad.err());
  }

  @Test
  void missingArgumentsAreUsageErrors() {
    CliRun usage = run("predict");
    assertEquals(2, usage.status());
    assertTrue(usage.err().contains("Missing required"), usage.err());
  }
}
