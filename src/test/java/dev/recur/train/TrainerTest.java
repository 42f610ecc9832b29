package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Activation;
import dev.recur.ElmanRnn;
import dev.recur.Initializer;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.data.AddingProblem;
import dev.recur.data.SequenceSet;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  private static RnnConfig irnn() {
    return RnnConfig.builder(2, 32, 1)
        .activation(Activation.RELU)
        .initializer(Initializer.IDENTITY)
        .seed(3)
        .build();
  }

  /**
   * The short adding problem (T = 20): an IRNN must get far below the 1/6 of always answering 1.
   * A wrong gradient, a broken optimizer or a shuffled-away target would leave it near 1/6.
   */
  @Test
  void irnnLearnsTheShortAddingProblem() {
    SequenceSet train = AddingProblem.generate(3000, 20, 1);
    SequenceSet valid = AddingProblem.generate(500, 20, 2);
    ElmanRnn model = ElmanRnn.initialize(irnn());
    Trainer trainer = new Trainer(model, Adam.adam(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(32).epochs(20)
        .clipNorm(1f).seed(4).build());
    List<Trainer.Epoch> seen = new ArrayList<>();
    Trainer.Result result = trainer.fit(train, valid, seen::add);
    double best = result.epochs().get(result.bestEpoch() - 1).validationLoss();
    // measured: the plateau near 0.14 breaks around epoch 7; by epoch 20 the best is ~0.0005
    assertTrue(best < 0.01, "validation MSE " + best + " (baseline " + AddingProblem.BASELINE_MSE + "); " + seen);
    assertEquals(seen, result.epochs());

    model.weights().copyFrom(result.best());
    assertEquals(best, trainer.evaluate(valid), 1e-9, "best weights are the best epoch's");
  }

  /**
   * Token sequences of different lengths, padded and masked into one set: the trainer's loss on
   * the set must be the mean of each sentence's loss computed alone, unpadded, by the model.
   */
  @Test
  void paddedTokenSequencesScoreAsTheSentencesAlone() {
    int[][] sentences = {{1, 2, 3}, {4}, {2, 2, 1, 0, 3}, {3, 1}};
    int[][] tags = {{0, 1, 2}, {1}, {2, 0, 0, 1, 2}, {0, 0}};
    int steps = 5;
    int count = sentences.length;
    int[] tokens = new int[count * steps];
    boolean[] mask = new boolean[count * steps];
    float[] targets = new float[count * steps * 3];
    for (int n = 0; n < count; n++) {
      for (int t = 0; t < sentences[n].length; t++) {
        tokens[n * steps + t] = sentences[n][t];
        mask[n * steps + t] = true;
        targets[(n * steps + t) * 3 + tags[n][t]] = 1;
      }
    }
    SequenceSet set = SequenceSet.ofTokens(count, steps, 5, 3, true, tokens, mask, targets);
    RnnConfig config = RnnConfig.builder(5, 6, 3).output(dev.recur.OutputFunction.SOFTMAX).seed(8).build();
    ElmanRnn model = ElmanRnn.initialize(config);

    double expected = 0;
    for (int n = 0; n < count; n++) {
      int length = sentences[n].length;
      dev.recur.Workspace ws = model.workspace(length, 1);
      model.forward(ws, dev.recur.Inputs.tokens(sentences[n], length, 1));
      expected += model.loss(ws, Loss.CROSS_ENTROPY, dev.recur.Targets.everyStepClasses(tags[n]));
    }
    expected /= count;

    for (int batch : new int[] {1, 3, 4}) {
      Trainer trainer = new Trainer(model, Sgd.plain(config), Trainer.Settings.builder(
          Loss.CROSS_ENTROPY, LearningRateSchedule.constant(0f)).batchSize(batch).epochs(1).seed(1)
          .build());
      assertEquals(expected, trainer.evaluate(set), 1e-5, "batch " + batch);
    }
  }

  @Test
  void diagnosticsReportEveryUpdateWithItsGradientFlow() {
    SequenceSet train = AddingProblem.generate(64, 12, 5);
    ElmanRnn model = ElmanRnn.initialize(irnn());
    List<Trainer.Update> updates = new ArrayList<>();
    new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(16).epochs(2)
        .clipNorm(1e-3f).seed(1).build())
        .onUpdate(updates::add)
        .fit(train, train, e -> {});
    assertEquals(8, updates.size());
    for (int i = 0; i < updates.size(); i++) {
      Trainer.Update u = updates.get(i);
      assertEquals(i + 1, u.update());
      assertEquals(12, u.hiddenGradientNorms().length);
      assertEquals(u.gradientNorm() > 1e-3, u.clipped(), "clipping fires exactly above the threshold");
      // many-to-one: only the last step has a loss, so ∂L/∂h_t reaches earlier steps through W_h
      assertTrue(u.hiddenGradientNorms()[11] > 0);
    }
  }

  @Test
  void aMinibatchSmallerThanTheShardCountReportsItsOwnGradientFlow() {
    SequenceSet train = AddingProblem.generate(19, 6, 5); // batches of 16, then 3 for 4 shards
    ElmanRnn model = ElmanRnn.initialize(irnn());
    List<Trainer.Update> updates = new ArrayList<>();
    new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(16).epochs(1)
        .seed(1).parallelism(4, 1).build())
        .onUpdate(u -> updates.add(new Trainer.Update(u.update(), u.loss(), u.gradientNorm(),
            u.clipped(), u.unitGradientNorms().clone())))
        .fit(train, train, e -> {});
    assertEquals(2, updates.size());
    assertEquals(6, updates.get(1).hiddenGradientNorms().length);
    assertFalse(java.util.Arrays.equals(updates.get(0).hiddenGradientNorms(),
        updates.get(1).hiddenGradientNorms()), "the small batch's own norms, not the last batch's");
  }

  /** A stack reports ‖∂L/∂h_t‖ for every layer and direction, each unit its own. */
  @Test
  void diagnosticsReportTheGradientFlowOfEveryLayerAndDirection() {
    SequenceSet train = AddingProblem.generate(16, 9, 5);
    ElmanRnn model = ElmanRnn.initialize(irnn().toBuilder().layers(2).bidirectional(true).build());
    List<Trainer.Update> updates = new ArrayList<>();
    new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(16).epochs(1)
        .build())
        .onUpdate(updates::add)
        .fit(train, train, e -> {});
    float[][] norms = updates.get(0).unitGradientNorms();
    assertEquals(4, norms.length, "2 layers × 2 directions");
    for (int unit = 0; unit < 3; unit++) {
      assertEquals(9, norms[unit].length);
      assertTrue(norms[unit][0] > 0 && norms[unit][8] > 0, "unit " + unit);
    }
    // The adding problem is scored at the last step only, and the top reverse direction's h_t
    // feeds only step t's output and earlier states: nothing reaches it before the last step.
    assertTrue(norms[3][8] > 0);
    for (int t = 0; t < 8; t++) {
      assertEquals(0f, norms[3][t], "top reverse direction, step " + t);
    }
    for (int unit = 1; unit < 4; unit++) {
      assertFalse(java.util.Arrays.equals(norms[0], norms[unit]), "unit " + unit + "'s own norms");
    }
    assertArrayEquals(norms[0], updates.get(0).hiddenGradientNorms());
  }

  @Test
  void sameSeedSameWeights() {
    SequenceSet train = AddingProblem.generate(200, 8, 5);
    float[] first = trainOnce(train);
    float[] second = trainOnce(train);
    assertArrayEquals(first, second);
  }

  private static float[] trainOnce(SequenceSet train) {
    ElmanRnn model = ElmanRnn.initialize(irnn());
    new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(16).epochs(2)
        .clipNorm(1f).seed(9).build())
        .fit(train, train, e -> {});
    return model.weights().recurrentWeights().clone();
  }

  /** 1 thread and N threads give bit-identical weights: shards are fixed, reduced in order. */
  @Test
  void dataParallelTrainingDoesNotDependOnTheThreadCount() {
    SequenceSet train = AddingProblem.generate(300, 12, 5);
    float[] oneThread = trainSharded(train, 4, 1);
    float[] threeThreads = trainSharded(train, 4, 3);
    float[] fourThreads = trainSharded(train, 4, 4);
    assertArrayEquals(oneThread, threeThreads);
    assertArrayEquals(oneThread, fourThreads);
    // and sharding changes only the rounding of the sum, not the mathematics
    float[] unsharded = trainSharded(train, 1, 1);
    for (int i = 0; i < unsharded.length; i++) {
      assertEquals(unsharded[i], oneThread[i], 1e-4, "W_h[" + i + "]");
    }
  }

  /**
   * With dropout between layers as well: the masks are keyed by each sequence's place in the
   * minibatch, not by shard or thread.
   */
  @Test
  void dropoutTrainingDoesNotDependOnTheThreadCount() {
    SequenceSet train = AddingProblem.generate(200, 10, 5);
    RnnConfig stack = irnn().toBuilder().layers(2).dropout(0.25f).build();
    float[] oneThread = trainSharded(stack, train, 4, 1);
    assertArrayEquals(oneThread, trainSharded(stack, train, 4, 3));
    assertArrayEquals(oneThread, trainSharded(stack, train, 4, 4));
    float[] unsharded = trainSharded(stack, train, 1, 1);
    for (int i = 0; i < unsharded.length; i++) {
      assertEquals(unsharded[i], oneThread[i], 1e-4, "W_h[" + i + "]: the same masks whatever the shards");
    }
  }

  private static float[] trainSharded(SequenceSet train, int shards, int threads) {
    return trainSharded(irnn(), train, shards, threads);
  }

  private static float[] trainSharded(RnnConfig config, SequenceSet train, int shards,
      int threads) {
    ElmanRnn model = ElmanRnn.initialize(config);
    new Trainer(model, Adam.adam(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.003f)).batchSize(37).epochs(2)
        .clipNorm(1f).seed(9).parallelism(shards, threads).build())
        .fit(train, train, e -> {});
    return model.weights().recurrentWeights().clone();
  }

  /**
   * A run stopped after 23 updates (mid-epoch) and resumed from its checkpoint by a new model and
   * a new optimizer ends with exactly the weights, optimizer state and history of the run that
   * never stopped.
   */
  @Test
  void resumingFromACheckpointGivesTheUninterruptedResult(@TempDir Path dir) throws IOException {
    SequenceSet train = AddingProblem.generate(150, 10, 5);
    SequenceSet valid = AddingProblem.generate(40, 10, 6);
    Trainer.Settings settings = Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.cosine(0.01f, 0.001f, 40)).batchSize(16)
        .epochs(4).clipNorm(1f).seed(7).build();

    ElmanRnn straight = ElmanRnn.initialize(irnn());
    Adam straightAdam = Adam.adam(straight.config());
    Trainer.Result expected = new Trainer(straight, straightAdam, settings).fit(train, valid, e -> {});

    Path file = dir.resolve("run.ckpt");
    ElmanRnn first = ElmanRnn.initialize(irnn());
    Trainer.Result stopped = new Trainer(first, Adam.adam(first.config()), settings)
        .fit(train, valid, e -> {}, new Trainer.Checkpoints(file, 5, 23));
    assertTrue(!stopped.complete());

    ElmanRnn second = ElmanRnn.initialize(irnn().toBuilder().seed(999).build()); // other weights
    Adam secondAdam = Adam.adam(second.config());
    Trainer.Result resumed = new Trainer(second, secondAdam, settings)
        .resume(file, train, valid, e -> {}, new Trainer.Checkpoints(file, 5, 0));

    assertTrue(resumed.complete());
    assertEquals(expected.epochs(), resumed.epochs());
    assertEquals(expected.bestEpoch(), resumed.bestEpoch());
    for (int t = 0; t < straight.weights().tensors().size(); t++) {
      assertArrayEquals(straight.weights().tensors().get(t).values(), second.weights().tensors().get(t).values());
      assertArrayEquals(expected.best().tensors().get(t).values(), resumed.best().tensors().get(t).values());
      assertArrayEquals(straightAdam.state().get(1).tensors().get(t).values(),
          secondAdam.state().get(1).tensors().get(t).values());
    }
    assertEquals(straightAdam.steps(), secondAdam.steps());
  }

  @Test
  void aCorruptedCheckpointIsRefused(@TempDir Path dir) throws IOException {
    SequenceSet train = AddingProblem.generate(40, 6, 5);
    Path file = dir.resolve("run.ckpt");
    ElmanRnn model = ElmanRnn.initialize(irnn());
    Trainer trainer = new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.01f)).batchSize(8).epochs(1)
        .seed(1).build());
    trainer.fit(train, train, e -> {}, new Trainer.Checkpoints(file, 0, 2));
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    bytes[40] ^= 1;
    java.nio.file.Files.write(file, bytes);
    IOException e = assertThrows(IOException.class,
        () -> trainer.resume(file, train, train, x -> {}, new Trainer.Checkpoints(file, 0, 0)));
    assertEquals(file + ": checkpoint checksum mismatch: corrupted or truncated", e.getMessage());
  }

  @Test
  void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
    SequenceSet train = AddingProblem.generate(64, 6, 5);
    ElmanRnn model = ElmanRnn.initialize(irnn());
    // learning rate 0: the validation loss never improves after the first epoch
    Trainer.Result result = new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
        Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0f)).batchSize(16).epochs(50)
        .patience(3).seed(1).build())
        .fit(train, train, e -> {});
    assertEquals(4, result.epochs().size());
    assertEquals(1, result.bestEpoch());
  }

  @Test
  void divergenceStopsBeforeTheWeightsAreTouched() {
    SequenceSet train = AddingProblem.generate(32, 6, 5);
    train.inputs()[0] = Float.MAX_VALUE; // overflows the forward pass to Inf/NaN
    ElmanRnn model = ElmanRnn.initialize(irnn());
    Parameters before = model.weights().copy();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> new Trainer(model, Sgd.plain(model.config()), Trainer.Settings.builder(
            Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(0.1f)).batchSize(32).epochs(1)
            .seed(1).build())
            .fit(train, train, x -> {}));
    assertTrue(e.getMessage().startsWith("update 1: "), e.getMessage());
    assertArrayEquals(before.recurrentWeights(), model.weights().recurrentWeights());
  }
}
