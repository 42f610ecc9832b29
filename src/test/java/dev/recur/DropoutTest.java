package dev.recur;

import static dev.recur.GradientCheckTest.assertGradient;
import static dev.recur.GradientCheckTest.finiteDifferences;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Dropout between layers: drawn only when a training pass asks, reproducibly, at the asked rate,
 * and differentiated through exactly (finite differences of the double reference under the same
 * masks).
 */
class DropoutTest {

  private static final RnnConfig CONFIG = RnnConfig.builder(3, 5, 4).layers(3)
      .bidirectional(true).dropout(0.4f).seed(8).build();

  @Test
  void aRowDropsAboutPOfItsUnitsAndScalesTheRest() {
    float p = 0.3f;
    float[] scale = new float[1000];
    int dropped = 0;
    for (int row = 0; row < 200; row++) {
      Dropout.drawRow(42, p, row % 3, row / 3, row, scale, 0, scale.length);
      for (float s : scale) {
        assertTrue(s == 0f || s == 1f / (1f - p), "scale " + s);
        dropped += s == 0f ? 1 : 0;
      }
    }
    // 200,000 draws: the standard deviation of the fraction is about 0.001
    assertEquals(p, dropped / 200_000.0, 0.005);
  }

  @Test
  void onlyARequestedPassDropsAndTheSameSeedDropsTheSameUnits() {
    Parameters weights = Parameters.initialize(CONFIG);
    ElmanRnn model = new ElmanRnn(weights);
    ElmanRnn withoutDropout = new ElmanRnn(copyInto(weights, CONFIG.toBuilder().dropout(0f).build()));
    TestProblems.Case c = TestProblems.random(CONFIG, 5, 3, Loss.MEAN_SQUARED_ERROR, true, false,
        false, 1);
    Workspace ws = model.workspace(5, 3);
    Workspace plain = withoutDropout.workspace(5, 3);
    withoutDropout.forward(plain, c.inputs());
    float[] evaluation = plain.outputs().clone();

    model.forward(ws, c.inputs());
    assertArrayEquals(evaluation, ws.outputs(), "no request: no dropout");
    ws.dropoutForNextPass(7, 0);
    model.forward(ws, c.inputs());
    float[] dropped = ws.outputs().clone();
    assertFalse(java.util.Arrays.equals(evaluation, dropped), "a requested pass drops");
    ws.dropoutForNextPass(7, 0);
    model.forward(ws, c.inputs());
    assertArrayEquals(dropped, ws.outputs(), "same seed, same masks");
    ws.dropoutForNextPass(8, 0);
    model.forward(ws, c.inputs());
    assertFalse(java.util.Arrays.equals(dropped, ws.outputs()), "another seed, other masks");
    model.forward(ws, c.inputs());
    assertArrayEquals(evaluation, ws.outputs(), "the request lasts one pass");
  }

  @Test
  void gradientsUnderDropoutMatchFiniteDifferencesUnderTheSameMasks() {
    TestProblems.Case c = TestProblems.random(CONFIG, 4, 3, Loss.MEAN_SQUARED_ERROR, true, false,
        true, 3);
    ElmanRnn model = c.model();
    Workspace ws = model.workspace(4, 3);
    ws.dropoutForNextPass(99, 0);
    model.forward(ws, c.inputs(), c.initialHidden());
    Parameters gradients = Parameters.zeros(model.config());
    double loss = model.backward(ws, Loss.MEAN_SQUARED_ERROR, c.targets(), gradients);

    ReferenceRnn reference = new ReferenceRnn(model.weights()).withDropout(99);
    assertEquals(reference.loss(c.reference()), loss, 1e-5 * Math.max(1, Math.abs(loss)), "loss");
    ReferenceRnn undropped = new ReferenceRnn(model.weights());
    assertTrue(Math.abs(undropped.loss(c.reference()) - loss) > 1e-3,
        "the masks change the loss, so the check below sees them");
    GradientCheckTest.assertEveryTensor(gradients, reference, c.reference());
    assertGradient("x", finiteDifferences(c.reference().dense(),
        () -> reference.loss(c.reference())), ws.inputGradient());
  }

  private static Parameters copyInto(Parameters weights, RnnConfig config) {
    Parameters copy = Parameters.zeros(config);
    for (int i = 0; i < copy.tensors().size(); i++) {
      float[] from = weights.tensors().get(i).values();
      System.arraycopy(from, 0, copy.tensors().get(i).values(), 0, from.length);
    }
    return copy;
  }
}
