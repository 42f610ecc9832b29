package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.ElmanRnn;
import dev.recur.Initializer;
import dev.recur.Loss;
import dev.recur.OutputFunction;
import dev.recur.RnnConfig;
import dev.recur.data.AddingProblem;
import dev.recur.data.CharCorpus;
import dev.recur.data.SequenceSet;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Sgd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint holds its run's settings; a resume that changes one is refused, each named. */
class ResumeSettingsTest {

  @TempDir Path dir;

  private static final SequenceSet TRAIN = AddingProblem.generate(60, 6, 5);
  private static final SequenceSet VALID = AddingProblem.generate(20, 6, 6);

  private static RnnConfig config(Activation activation) {
    return RnnConfig.builder(2, 8, 1).activation(activation).initializer(Initializer.IDENTITY)
        .seed(3).build();
  }

  private static Trainer.Settings settings(int epochs, long seed, int shards, int threads) {
    return Trainer.Settings.builder(Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f))
        .batchSize(16).epochs(epochs).clipNorm(1f).seed(seed).parallelism(shards, threads).build();
  }

  /** A checkpoint after 5 updates of a TANH model trained with Adam at seed 7. */
  private Path checkpoint() throws IOException {
    Path file = dir.resolve("run.ckpt");
    ElmanRnn model = ElmanRnn.initialize(config(Activation.TANH));
    new Trainer(model, Adam.adam(model.config()), settings(2, 7, 2, 1))
        .describedBy(Map.of("lr", "0.01"))
        .fit(TRAIN, VALID, e -> {}, new Trainer.Checkpoints(file, 0, 5));
    return file;
  }

  @Test
  void aTrainerRefusesOtherSettingsNamingEachWithBothValues() throws IOException {
    Path file = checkpoint();
    ElmanRnn relu = ElmanRnn.initialize(config(Activation.RELU));
    float[] before = relu.weights().recurrentWeights().clone();
    Trainer other = new Trainer(relu, Sgd.plain(relu.config()), settings(2, 8, 2, 1))
        .describedBy(Map.of("lr", "0.1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> other.resume(file, TRAIN, VALID, x -> {}, null));
    assertEquals(file + " was made by a run with other settings; activation: TANH in the"
        + " checkpoint, RELU now; optimizer: Adam in the checkpoint, Sgd now; seed: 7 in the"
        + " checkpoint, 8 now; lr: 0.01 in the checkpoint, 0.1 now (resume with the settings of"
        + " that run)", e.getMessage());
    assertArrayEquals(before, relu.weights().recurrentWeights(), "nothing restored");

    ElmanRnn tanh = ElmanRnn.initialize(config(Activation.TANH));
    SequenceSet longer = AddingProblem.generate(60, 7, 5);
    IllegalArgumentException data = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(tanh, Adam.adam(tanh.config()), settings(2, 7, 2, 1))
            .describedBy(Map.of("lr", "0.01"))
            .resume(file, longer, VALID, x -> {}, null));
    assertTrue(data.getMessage().contains("; training data: 60 sequences of 6 steps, 2 in, 1 out,"
        + " CRC32C "), data.getMessage());
    assertTrue(data.getMessage().contains(" in the checkpoint, 60 sequences of 7 steps"),
        data.getMessage());
  }

  /** More epochs and another thread count (same shards) continue the run that stopped. */
  @Test
  void theEpochTotalAndTheThreadCountMayChange() throws IOException {
    Path file = checkpoint();
    ElmanRnn straight = ElmanRnn.initialize(config(Activation.TANH));
    Trainer.Result expected = new Trainer(straight, Adam.adam(straight.config()),
        settings(3, 7, 2, 1)).fit(TRAIN, VALID, e -> {});
    ElmanRnn resumed = ElmanRnn.initialize(config(Activation.TANH));
    Trainer.Result result = new Trainer(resumed, Adam.adam(resumed.config()), settings(3, 7, 2, 2))
        .describedBy(Map.of("lr", "0.01"))
        .resume(file, TRAIN, VALID, e -> {}, new Trainer.Checkpoints(file, 0, 0));
    assertEquals(expected.epochs(), result.epochs());
    assertArrayEquals(straight.weights().recurrentWeights(), resumed.weights().recurrentWeights());
  }

  @Test
  void aStreamTrainerRefusesOtherSettings() throws IOException {
    int[] tokens = CharCorpus.of("settings travel with the checkpoint. ".repeat(4)).tokens();
    int vocabulary = CharCorpus.of("settings travel with the checkpoint. ").vocabularySize();
    RnnConfig config = RnnConfig.builder(vocabulary, 8, vocabulary).output(OutputFunction.SOFTMAX)
        .build();
    ElmanRnn model = ElmanRnn.initialize(config);
    StreamTrainer saved = new StreamTrainer(model, Adam.adam(config),
        LearningRateSchedule.constant(0.01f), tokens, 1, 5, 5, 5f);
    saved.train(3, it -> {});
    Path file = dir.resolve("chars.ckpt");
    saved.save(file);

    ElmanRnn relu = ElmanRnn.initialize(config.toBuilder().activation(Activation.RELU).build());
    StreamTrainer other = new StreamTrainer(relu, Adam.adam(config),
        LearningRateSchedule.constant(0.01f), tokens, 1, 5, 7, 1f);
    assertEquals(file + " was made by a run with other settings; activation: TANH in the"
            + " checkpoint, RELU now; depth: 5 in the checkpoint, 7 now; clip-value: 5.0 in the"
            + " checkpoint, 1.0 now (resume with the settings of that run)",
        assertThrows(IllegalArgumentException.class, () -> other.resume(file)).getMessage());
    assertEquals(0, other.iteration(), "nothing restored");
  }

  /** A stacked run's checkpoint refuses a resume with another layer count, naming both. */
  @Test
  void aStackedRunRefusesAnotherLayerCount() throws IOException {
    Path file = dir.resolve("stack.ckpt");
    RnnConfig two = config(Activation.TANH).toBuilder().layers(2).bidirectional(true).build();
    ElmanRnn model = ElmanRnn.initialize(two);
    new Trainer(model, Adam.adam(two), settings(2, 7, 1, 1))
        .fit(TRAIN, VALID, e -> {}, new Trainer.Checkpoints(file, 0, 3));
    RnnConfig three = two.toBuilder().layers(3).build();
    ElmanRnn deeper = ElmanRnn.initialize(three);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(deeper, Adam.adam(three), settings(2, 7, 1, 1))
            .resume(file, TRAIN, VALID, x -> {}, null));
    assertEquals(file + " was made by a run with other settings; layers: 2 in the checkpoint, 3"
        + " now (resume with the settings of that run)", e.getMessage());
  }

  /**
   * A checkpoint written before runs recorded the model's structure was of a one-layer model
   * with a head whose bias follows the layers': it resumes as one, and nothing else.
   */
  @Test
  void aCheckpointFromBeforeStructuresResumesAsTheOneLayerModelItWas() {
    Path file = dir.resolve("older.ckpt");
    Map<String, String> older = new LinkedHashMap<>(Map.of("bias", "SINGLE"));
    Map<String, String> now = new LinkedHashMap<>(older);
    RunSettings.putStructure(now, RnnConfig.builder(2, 8, 1).build());
    new RunSettings(now).requireSameAs(file, new RunSettings(older));

    Map<String, String> noBias = new LinkedHashMap<>(Map.of("bias", "NONE"));
    Map<String, String> noBiasNow = new LinkedHashMap<>(noBias);
    RunSettings.putStructure(noBiasNow,
        RnnConfig.builder(2, 8, 1).bias(Bias.NONE).build());
    new RunSettings(noBiasNow).requireSameAs(file, new RunSettings(noBias));

    Map<String, String> stacked = new LinkedHashMap<>(older);
    RunSettings.putStructure(stacked,
        RnnConfig.builder(2, 8, 1).layers(2).headBias(false).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RunSettings(stacked).requireSameAs(file, new RunSettings(older)));
    assertEquals(file + " was made by a run with other settings; layers: 1 in the checkpoint, 2"
        + " now; head bias: true in the checkpoint, false now (resume with the settings of that"
        + " run)", e.getMessage());
  }

  /** A version 1 checkpoint, made before settings were stored, is refused saying so. */
  @Test
  void aCheckpointThatPredatesSettingsChecksIsRefused() throws IOException {
    Path file = checkpoint();
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(8, 1);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    buffer.putInt(bytes.length - 4, (int) crc.getValue());
    Path old = dir.resolve("old.ckpt");
    Files.write(old, bytes);
    ElmanRnn model = ElmanRnn.initialize(config(Activation.TANH));
    IOException e = assertThrows(IOException.class,
        () -> new Trainer(model, Adam.adam(model.config()), settings(2, 7, 2, 1))
            .resume(old, TRAIN, VALID, x -> {}, null));
    assertEquals(old + ": a version 1 checkpoint, which predates the checks of a resumed run's"
        + " settings; this recur reads version 2: restart the run", e.getMessage());
  }

  @Test
  void aResumeRefusedForItsOptimizerStateLeavesTheModelAlone() throws IOException {
    Path file = dir.resolve("momentum.ckpt");
    ElmanRnn trained = ElmanRnn.initialize(config(Activation.TANH));
    new Trainer(trained, new Sgd(trained.config(), 0.9f, false, 0f), settings(2, 7, 1, 1))
        .fit(TRAIN, VALID, e -> {}, new Trainer.Checkpoints(file, 0, 5));

    ElmanRnn model = ElmanRnn.initialize(config(Activation.TANH));
    float[] before = model.weights().recurrentWeights().clone();
    Trainer plain = new Trainer(model, Sgd.plain(model.config()), settings(2, 7, 1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plain.resume(file, TRAIN, VALID, x -> {}, null));
    assertTrue(e.getMessage().contains("optimizer state tensor sets"), e.getMessage());
    assertArrayEquals(before, model.weights().recurrentWeights(), "the model's weights as they were");
  }
}
