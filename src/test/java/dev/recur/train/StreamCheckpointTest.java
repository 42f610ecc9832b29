package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.ElmanRnn;
import dev.recur.OutputFunction;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import dev.recur.data.CharCorpus;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a stream run, saving, and resuming in a fresh trainer (fresh model, fresh optimizer)
 * must give the uninterrupted run's weights bit for bit. Two streams, k2 > k1 (so the window and
 * the state before it matter), Adam (state and bias correction matter), and a stream short enough
 * to wrap round during the run.
 */
class StreamCheckpointTest {

  private static final int[] TOKENS = CharCorpus.of(
      "a stream short enough to go round more than once in sixty chunks. ".repeat(3)).tokens();
  private static final int VOCABULARY = CharCorpus.of(
      "a stream short enough to go round more than once in sixty chunks. ").vocabularySize();

  @TempDir Path dir;

  private static StreamTrainer trainer(ElmanRnn model, int[] tokens) {
    return new StreamTrainer(model, Adam.adam(model.config()), LearningRateSchedule.constant(0.01f),
        tokens, 2, 5, 9, 1f);
  }

  private static ElmanRnn model(long seed) {
    return ElmanRnn.initialize(RnnConfig.builder(VOCABULARY, 12, VOCABULARY)
        .output(OutputFunction.SOFTMAX).seed(seed).build());
  }

  @Test
  void resumingGivesTheUninterruptedRunBitForBit() throws IOException {
    ElmanRnn straight = model(1);
    List<StreamTrainer.Iteration> expected = new ArrayList<>();
    trainer(straight, TOKENS).train(60, expected::add);

    ElmanRnn first = model(1);
    List<StreamTrainer.Iteration> seen = new ArrayList<>();
    StreamTrainer before = trainer(first, TOKENS);
    before.train(23, seen::add);
    Path checkpoint = dir.resolve("chars.ckpt");
    before.save(checkpoint);

    ElmanRnn second = model(99); // other initial weights: the checkpoint must replace them
    StreamTrainer after = trainer(second, TOKENS);
    after.resume(checkpoint);
    after.train(37, seen::add);

    assertEquals(expected, seen, "iterations, losses and smoothed losses");
    List<Tensor> want = straight.weights().tensors();
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i).values(), second.weights().tensors().get(i).values(),
          want.get(i).name());
    }
  }

  @Test
  void refusesAnotherStreamAndABrokenFileWithoutTouchingTheTrainer() throws IOException {
    StreamTrainer saved = trainer(model(1), TOKENS);
    saved.train(4, it -> {});
    Path checkpoint = dir.resolve("chars.ckpt");
    saved.save(checkpoint);

    int[] other = TOKENS.clone();
    other[7] = (other[7] + 1) % VOCABULARY;
    ElmanRnn untouched = model(5);
    float[] weightsBefore = untouched.weights().tensors().get(0).values().clone();
    StreamTrainer elsewhere = trainer(untouched, other);
    assertEquals(checkpoint + " was made on another stream (" + TOKENS.length + " tokens); this"
            + " trainer reads " + TOKENS.length + " tokens with different contents",
        assertThrows(IllegalArgumentException.class, () -> elsewhere.resume(checkpoint)).getMessage());
    assertArrayEquals(weightsBefore, untouched.weights().tensors().get(0).values());

    byte[] bytes = Files.readAllBytes(checkpoint);
    bytes[bytes.length / 2] ^= 1;
    Path broken = dir.resolve("broken.ckpt");
    Files.write(broken, bytes);
    IOException corrupt = assertThrows(IOException.class, () -> trainer(model(1), TOKENS).resume(broken));
    assertTrue(corrupt.getMessage().contains("checksum mismatch"), corrupt.getMessage());

    Path truncated = dir.resolve("short.ckpt");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, 9));
    assertTrue(assertThrows(IOException.class, () -> trainer(model(1), TOKENS).resume(truncated))
        .getMessage().contains("truncated"));
  }
}
