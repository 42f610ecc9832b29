package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.OutputFunction;
import dev.recur.RnnConfig;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledSequencesTest {

  @TempDir Path dir;

  @Test
  void loadsLabelsAsOneHotLastStepTargets() throws IOException {
    Path file = dir.resolve("l.csv");
    Files.writeString(file, "up,1,2,3,4\ndown,4,3,2,1\n\nup,0,1,0,1\n");
    LabelledSequences data = LabelledSequences.load(file, 2);
    assertEquals(List.of("up", "down"), data.labels());
    SequenceSet set = data.sequences();
    assertEquals(3, set.count());
    assertEquals(2, set.steps());
    assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0}, set.targets());
    assertArrayEquals(new float[] {4, 3, 2, 1}, java.util.Arrays.copyOfRange(set.inputs(), 4, 8));
  }

  @Test
  void badFilesAreNamed() throws IOException {
    Path ragged = dir.resolve("r.csv");
    Files.writeString(ragged, "a,1,2\nb,1\n");
    assertEquals(ragged + " line 2: 1 values after the label, expected 2 like the first row",
        assertThrows(BadDataException.class, () -> LabelledSequences.load(ragged, 1)).getMessage());
    Path odd = dir.resolve("o.csv");
    Files.writeString(odd, "a,1,2,3\n");
    assertEquals(odd + " line 1: 3 values after the label, not a positive multiple of inputSize 2",
        assertThrows(BadDataException.class, () -> LabelledSequences.load(odd, 2)).getMessage());
    Path single = dir.resolve("s.csv");
    Files.writeString(single, "a,1\na,2\n");
    assertEquals(single + ": has a single label [a]; classification needs two",
        assertThrows(BadDataException.class, () -> LabelledSequences.load(single, 1)).getMessage());
  }

  /** A softmax classifier learns the sign of a sequence's sum (many-to-one cross-entropy). */
  @Test
  void aClassifierLearnsTheSignOfTheSum() throws IOException {
    Random random = new Random(4);
    StringBuilder csv = new StringBuilder();
    for (int s = 0; s < 800; s++) {
      double sum = 0;
      StringBuilder row = new StringBuilder();
      for (int t = 0; t < 8; t++) {
        double v = random.nextGaussian();
        sum += v;
        row.append(',').append((float) v);
      }
      csv.append(sum > 0 ? "positive" : "negative").append(row).append('\n');
    }
    Path file = dir.resolve("sign.csv");
    Files.writeString(file, csv);
    SequenceSet all = LabelledSequences.load(file, 1).sequences();
    ElmanRnn model = ElmanRnn.initialize(
        RnnConfig.builder(1, 16, 2).output(OutputFunction.SOFTMAX).seed(2).build());
    Trainer.Result result = new Trainer(model, Adam.adam(model.config()), Trainer.Settings.builder(
        Loss.CROSS_ENTROPY, LearningRateSchedule.constant(0.01f)).batchSize(32).epochs(15)
        .clipNorm(1f).seed(3).build())
        .fit(all.slice(0, 600), all.slice(600, 800), e -> {});
    double best = result.epochs().get(result.bestEpoch() - 1).validationLoss();
    assertTrue(best < 0.25, "validation cross-entropy " + best + " (guessing: ln 2 = 0.693)");
  }
}
