package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.RnnConfig;
import dev.recur.Targets;
import dev.recur.Workspace;
import dev.recur.data.AddingProblem;
import dev.recur.data.SequenceSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  @Test
  void theMeanLossIsTheMeanOfEachSequenceScoredAloneForAnyBatchSize() {
    SequenceSet set = AddingProblem.generate(10, 6, 3);
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(2, 8, 1).seed(4).build());
    double sum = 0;
    Workspace alone = model.workspace(6, 1);
    for (int n = 0; n < set.count(); n++) {
      model.forward(alone, Inputs.dense(Arrays.copyOfRange(set.inputs(), n * 12, n * 12 + 12), 6));
      sum += model.loss(alone, Loss.MEAN_SQUARED_ERROR,
          Targets.lastStep(Arrays.copyOfRange(set.targets(), n, n + 1)));
    }
    double expected = sum / set.count();
    for (int batch : new int[] {1, 3, 10, 64}) {
      assertEquals(expected, new Evaluator(model, Loss.MEAN_SQUARED_ERROR, batch).meanLoss(set),
          1e-6 * expected, "batch " + batch);
    }
  }

  @Test
  void dataOfAnotherShapeIsRefused() {
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(3, 8, 1).build());
    Evaluator evaluator = new Evaluator(model, Loss.MEAN_SQUARED_ERROR, 4);
    assertEquals("data of inputs 2 and targets 1 for a model of I=3, O=1",
        assertThrows(IllegalArgumentException.class,
            () -> evaluator.meanLoss(AddingProblem.generate(4, 5, 1))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Evaluator(model, Loss.MEAN_SQUARED_ERROR, 0));
  }
}
