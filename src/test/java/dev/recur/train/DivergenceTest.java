package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Activation;
import dev.recur.ElmanRnn;
import dev.recur.Engine;
import dev.recur.Initializer;
import dev.recur.Loss;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.data.AddingProblem;
import dev.recur.data.CharCorpus;
import dev.recur.data.SequenceSet;
import dev.recur.optim.Adagrad;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Divergence: a stopped run keeps what it had (epochs, best weights), the message names the
 * update, the tensor and the last finite loss, and {@link DivergencePolicy#skip} drops updates.
 */
class DivergenceTest {

  private static final SequenceSet TRAIN = AddingProblem.generate(80, 6, 5);
  private static final SequenceSet VALID = AddingProblem.generate(20, 6, 6);

  private static ElmanRnn irnn() {
    return ElmanRnn.initialize(RnnConfig.builder(2, 8, 1).activation(Activation.RELU)
        .initializer(Initializer.IDENTITY).seed(3).build());
  }

  /**
   * SGD without clipping, 5 updates an epoch: a sane rate for two epochs, then a huge one, so the
   * weights blow up at update 11 and the gradient at update 12.
   */
  private static Trainer blowsUpInEpochThree(ElmanRnn model) {
    LearningRateSchedule schedule = step -> step < 10 ? 0.01f : 1e30f;
    return new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, schedule).batchSize(16).epochs(5).seed(1).build());
  }

  @Test
  void aStoppedRunKeepsItsEpochsAndBestWeights() {
    ElmanRnn model = irnn();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> blowsUpInEpochThree(model).fit(TRAIN, VALID, x -> {}));
    assertEquals(12, e.update());
    assertTrue(e.getMessage().startsWith("update 12: "), e.getMessage());
    assertTrue(e.getMessage().contains("; last finite loss "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" at update 11"), e.getMessage());
    Trainer.Result partial = e.partial();
    assertEquals(2, partial.epochs().size());
    assertFalse(partial.complete());
    assertTrue(partial.bestEpoch() >= 1);
    assertTrue(Double.isFinite(partial.epochs().get(partial.bestEpoch() - 1).validationLoss()));
    assertFalse(java.util.Arrays.equals(model.weights().recurrentWeights(),
        partial.best().recurrentWeights()), "the best weights are epoch 2's, not the blown-up ones");
  }

  @Test
  void skippingStopsAfterTheLimitInARowAndCountsTheSkips() {
    ElmanRnn model = irnn();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> blowsUpInEpochThree(model).onDivergence(DivergencePolicy.skip(2))
            .fit(TRAIN, VALID, x -> {}));
    assertTrue(e.getMessage().startsWith("update 12: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("; after 2 skipped updates in a row (2 skipped in all)"),
        e.getMessage());
    assertEquals(2, e.partial().skippedUpdates());
  }

  /** One poisoned training sequence: its minibatch is skipped each epoch and the run finishes. */
  @Test
  void skippingLetsARunPastAnOccasionalDivergenceFinish() {
    SequenceSet poisoned = AddingProblem.generate(80, 6, 5);
    poisoned.inputs()[0] = Float.MAX_VALUE;
    ElmanRnn model = irnn();
    Trainer.Result result = new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(16).epochs(3)
        .clipNorm(1f).seed(1).build())
        .onDivergence(DivergencePolicy.skip(1)).fit(poisoned, VALID, x -> {});
    assertTrue(result.complete());
    assertEquals(3, result.epochs().size());
    assertEquals(3, result.skippedUpdates(), "one minibatch an epoch");
  }

  /** A stop writes the checkpoint as it stood before the diverging update; resuming it skips. */
  @Test
  void aStoppedRunCanBeResumedUnderAnotherPolicy(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("run.ckpt");
    ElmanRnn model = irnn();
    assertThrows(TrainingDivergedException.class, () -> blowsUpInEpochThree(model)
        .fit(TRAIN, VALID, x -> {}, new Trainer.Checkpoints(file, 0, 0)));
    ElmanRnn again = irnn();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> blowsUpInEpochThree(again).onDivergence(DivergencePolicy.skip(1))
            .resume(file, TRAIN, VALID, x -> {}, null));
    assertEquals(12, e.update());
    assertTrue(e.getMessage().endsWith("; after 1 skipped updates in a row (1 skipped in all)"),
        e.getMessage());
    assertEquals(2, e.partial().epochs().size(), "the epochs before the stop came back");
  }

  /** Every entry finite, their sum of squares not: the largest entry is named. */
  @Test
  void anOverflowingNormNamesTheLargestEntry() {
    Parameters gradients = Parameters.zeros(irnn().config());
    gradients.recurrentWeights()[3] = 3e20f;
    gradients.recurrentWeights()[5] = -4e20f;
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> new DivergenceGuard(DivergencePolicy.STOP, Engine.PREFERRED).admit(7, 0.5, gradients));
    assertEquals("update 7: the gradient norm is Infinity (largest entry W_h[5] = -4.0E20);"
        + " no finite loss before it", e.getMessage());
  }

  @Test
  void aStreamSkipsDivergingChunksThenStops() {
    CharCorpus corpus = CharCorpus.of("a stream that cannot learn. ".repeat(4));
    int vocabulary = corpus.vocabularySize();
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(vocabulary, 8, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(2).build());
    model.weights().recurrentWeights()[0] = Float.NaN; // every chunk's loss is NaN
    float[] before = model.weights().inputWeights().clone();
    StreamTrainer trainer = new StreamTrainer(model, new Adagrad(model.config()),
        LearningRateSchedule.constant(0.1f), corpus.tokens(), 1, 5, 5, 5f)
        .onDivergence(DivergencePolicy.skip(3));
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> trainer.train(10, it -> {}));
    assertEquals("update 4: the loss is NaN; no finite loss before it; after 3 skipped updates in"
        + " a row (3 skipped in all)", e.getMessage());
    assertEquals(3, trainer.skipped());
    assertArrayEquals(before, model.weights().inputWeights());
  }
}
