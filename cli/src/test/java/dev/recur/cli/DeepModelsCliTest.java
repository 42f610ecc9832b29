package dev.recur.cli;

import static dev.recur.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import dev.recur.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacked, bidirectional and embedded models through {@code train} and {@code eval} on every
 * task that takes them: the model file holds the structure asked for, and {@code eval} scores
 * it (whole sequences for a bidirectional model; forecasts, which step a stream, refuse one).
 */
class DeepModelsCliTest {

  @TempDir Path dir;

  private RnnConfig trained(String... args) throws Exception {
    CliRun run = run(args);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("model: "), run.out());
    Path out = Path.of(args[List.of(args).indexOf("--out") + 1]);
    return ModelFile.load(out).config();
  }

  private static void scored(String prefix, String... args) {
    CliRun run = run(args);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith(prefix), run.out());
  }

  @Test
  void theAddingProblemOnAStackWithDropoutAndNoHeadBias() throws Exception {
    Path model = dir.resolve("adding.recur");
    RnnConfig config = trained(TinyTraining.adding(model, "--layers", "2", "--dropout", "0.2",
        "--no-head-bias", "--bidirectional"));
    assertEquals(2, config.layers());
    assertTrue(config.bidirectional());
    assertEquals(0.2f, config.dropout());
    assertFalse(config.headBias());
    assertEquals(Bias.SINGLE, config.bias(), "the layers keep their bias");
    scored("adding problem T=5", "eval", model.toString(), "--task", "ADDING", "--steps", "5",
        "--count", "100");
  }

  @Test
  void taggersAndClassifiersInBothDirectionsAreScoredOnWholeSequences() throws Exception {
    Path tagged = Files.writeString(dir.resolve("tagged.tsv"), "the\tD\ndog\tN\nruns\tV\n\n"
        + "a\tD\ncat\tN\n\nthe\tD\ncat\tN\nsleeps\tV\n\ndogs\tN\nrun\tV\n");
    Path tagger = dir.resolve("tagger.recur");
    RnnConfig config = trained("train", "--task", "TAG", "--data", tagged.toString(), "--hidden",
        "4", "--layers", "2", "--bidirectional", "--embedding", "3", "--epochs", "2",
        "--no-progress", "--out", tagger.toString());
    assertEquals(3, config.embeddingSize());
    scored("tagging: ", "eval", tagger.toString(), "--task", "TAG", "--data", tagged.toString());

    Path labelled = Files.writeString(dir.resolve("labelled.csv"),
        "a,1,2,3\nb,4,5,6\na,7,8,9\nb,1,1,1\na,2,2,2\n");
    Path classifier = dir.resolve("classifier.recur");
    assertTrue(trained("train", "--task", "CLASSIFY", "--data", labelled.toString(), "--hidden",
        "4", "--bidirectional", "--epochs", "2", "--no-progress", "--out", classifier.toString())
        .bidirectional());
    scored("classification: ", "eval", classifier.toString(), "--task", "CLASSIFY", "--data",
        labelled.toString());
  }

  @Test
  void aStackedCharacterModelWithAnEmbeddingGenerates() throws Exception {
    Path text = Files.writeString(dir.resolve("text.txt"), "stacks of layers. ".repeat(20));
    Path model = dir.resolve("chars.recur");
    RnnConfig config = trained("train", "--task", "CHARS", "--data", text.toString(), "--steps",
        "10", "--hidden", "8", "--layers", "2", "--embedding", "4", "--dropout", "0.1",
        "--iterations", "20", "--no-progress", "--out", model.toString());
    assertEquals(2, config.layers());
    scored("st", "generate", model.toString(), "--prime", "st", "--length", "20");
  }

  @Test
  void forecastsScoreStacksAndRefuseABidirectionalModel() throws Exception {
    Path series = Files.writeString(dir.resolve("series.csv"), String.join("\n",
        java.util.stream.IntStream.range(0, 120).mapToObj(i -> Double.toString(Math.sin(i / 4.0)))
            .toList()) + "\n");
    Path stacked = dir.resolve("stacked.recur");
    assertEquals(2, trained("train", "--task", "CSV", "--data", series.toString(), "--steps",
        "10", "--hidden", "4", "--layers", "2", "--epochs", "1", "--no-progress", "--out",
        stacked.toString()).layers());
    scored("series: one-step NRMSE", "eval", stacked.toString(), "--task", "CSV", "--data",
        series.toString(), "--steps", "10");

    Path bidirectional = dir.resolve("both.recur");
    ModelFile.save(bidirectional, Parameters.initialize(RnnConfig.builder(1, 4, 1)
        .bidirectional(true).seed(1).build()));
    run("eval", bidirectional.toString(), "--task", "MACKEY_GLASS").refused(1,
        bidirectional + " is bidirectional: its output at each step reads later inputs, and a"
            + " forecast's later input is its target; MACKEY_GLASS scores unidirectional models");
    run("eval", bidirectional.toString(), "--task", "CSV", "--data", series.toString())
        .refused(1, "CSV scores unidirectional models");
  }

  /** The count {@code train} prints is the count of what it makes, for every structure. */
  @Test
  void parameterCountsAreThoseOfTheModelsMade() {
    for (RnnConfig config : List.of(
        RnnConfig.builder(5, 7, 3).build(),
        RnnConfig.builder(5, 7, 3).bias(Bias.NONE).layers(3).build(),
        RnnConfig.builder(5, 7, 3).bias(Bias.PYTORCH_PAIR).layers(2).bidirectional(true)
            .embedding(4).headBias(false).build(),
        RnnConfig.builder(5, 7, 3).layers(2).bidirectional(true).noHead().dropout(0.5f).build(),
        RnnConfig.builder(9, 6, 2).output(OutputFunction.SOFTMAX).embedding(3).build())) {
      long made = Parameters.initialize(config).tensors().stream().mapToLong(Tensor::size).sum();
      assertEquals(made, config.parameterCount(), config.toString());
    }
    assertEquals("model: 56 inputs through an embedding of 16, 2 layers of H = 46 in both"
        + " directions, 2 outputs; 19,666 parameters", TrainCommand.describe(
            RnnConfig.builder(56, 46, 2).layers(2).bidirectional(true).embedding(16).build()));
  }
}
