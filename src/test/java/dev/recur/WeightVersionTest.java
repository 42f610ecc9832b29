package dev.recur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.recur.optim.Sgd;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A model makes its transposed weights again only when its weights may have changed: passes do
 * not advance the weights' version, while every way of writing them does, so a pass always sees
 * the weights as they are.
 */
class WeightVersionTest {

  private static final RnnConfig CONFIG =
      RnnConfig.builder(3, 5, 2).bias(Bias.PYTORCH_PAIR).seed(7).build();

  private static float[] outputs(ElmanRnn model, Inputs inputs) {
    Workspace ws = model.workspace(4, 1);
    model.forward(ws, inputs);
    return ws.outputs().clone();
  }

  /** The outputs a model built afresh from a copy of {@code weights} gives. */
  private static float[] fresh(Parameters weights, Inputs inputs) {
    return outputs(new ElmanRnn(weights.copy()), inputs);
  }

  private static final Inputs INPUTS = Inputs.dense(
      new float[] {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f, -0.9f, 1f, 0.2f, 0.3f}, 4);

  @Test
  void passesLeaveTheVersionAlone() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    Workspace ws = model.workspace(4, 1);
    Parameters gradients = Parameters.zeros(CONFIG);
    model.forward(ws, INPUTS);
    long version = model.weights().version();
    for (int pass = 0; pass < 3; pass++) {
      model.forward(ws, INPUTS);
      model.backward(ws, Loss.MEAN_SQUARED_ERROR, Targets.everyStep(new float[8]), gradients);
    }
    assertEquals(version, model.weights().version(), "no pass advances the version");

    ElmanRnn second = new ElmanRnn(model.weights()); // a second model over the same weights
    second.forward(second.workspace(4, 1), INPUTS);
    version = model.weights().version();
    for (int pass = 0; pass < 3; pass++) {
      model.forward(ws, INPUTS);
      second.forward(second.workspace(4, 1), INPUTS);
    }
    assertEquals(version, model.weights().version(), "neither model's refresh advances it");
  }

  @Test
  void everyWayOfWritingTheWeightsIsSeenByTheNextPass() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    float[] before = outputs(model, INPUTS);

    // an optimizer step
    Parameters gradients = Parameters.initialize(CONFIG);
    Sgd.plain(CONFIG).step(model.weights(), gradients, 0.5f);
    float[] stepped = outputs(model, INPUTS);
    assertNotEquals(Arrays.toString(before), Arrays.toString(stepped));
    assertArrayEquals(fresh(model.weights(), INPUTS), stepped);

    // an array taken just before writing
    model.weights().secondHiddenBias()[2] += 1f;
    assertArrayEquals(fresh(model.weights(), INPUTS), outputs(model, INPUTS));

    // an array kept from earlier, then markChanged()
    float[] recurrent = model.weights().recurrentWeights();
    outputs(model, INPUTS);
    recurrent[6] -= 0.75f;
    model.weights().markChanged();
    assertArrayEquals(fresh(model.weights(), INPUTS), outputs(model, INPUTS));

    // copyFrom
    model.weights().copyFrom(Parameters.initialize(RnnConfig.builder(3, 5, 2)
        .bias(Bias.PYTORCH_PAIR).seed(8).build()));
    assertArrayEquals(fresh(model.weights(), INPUTS), outputs(model, INPUTS));
  }
}
