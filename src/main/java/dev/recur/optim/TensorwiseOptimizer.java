package dev.recur.optim;

import dev.recur.Parameters;
import dev.recur.Tensor;
import java.util.List;

/**
 * The part every optimizer shares: check the shapes once per update, then hand each tensor's flat
 * arrays to {@link #update}, whose element loop lives in the concrete class (one receiver type per
 * call site, so the JIT compiles each loop for its own formula). Allocates nothing per update.
 */
abstract class TensorwiseOptimizer implements Optimizer {

  private final List<Parameters> state;
  private long steps;

  /** @param state the state tensors, of the weights' shapes, zero to start */
  TensorwiseOptimizer(List<Parameters> state) {
    this.state = List.copyOf(state);
  }

  @Override
  public final void step(Parameters weights, Parameters gradients, float learningRate) {
    if (!(learningRate >= 0f && Float.isFinite(learningRate))) {
      throw new IllegalArgumentException("learning rate must be finite and ≥ 0; got " + learningRate);
    }
    List<Tensor> w = weights.tensors();
    List<Tensor> g = gradients.tensors();
    requireSameShapes(w, g, "gradient");
    for (int k = 0; k < state.size(); k++) {
      requireSameShapes(w, state.get(k).tensors(), "optimizer state");
    }
    steps++;
    for (int t = 0; t < w.size(); t++) {
      update(t, w.get(t).values(), g.get(t).values(), learningRate, steps);
    }
  }

  /**
   * Updates one tensor: {@code w} (modified) from {@code g} (not modified) and the state slots of
   * tensor {@code t}; {@code step} counts from 1.
   */
  abstract void update(int t, float[] w, float[] g, float learningRate, long step);

  /** State tensor {@code t} of state set {@code k}. */
  final float[] state(int k, int t) {
    return state.get(k).tensors().get(t).values();
  }

  @Override
  public final List<Parameters> state() {
    return state;
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final void restoreSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("step count must be ≥ 0; got " + steps);
    }
    this.steps = steps;
  }

  private static void requireSameShapes(List<Tensor> expected, List<Tensor> actual, String what) {
    if (expected.size() != actual.size()) {
      throw new IllegalArgumentException(
          what + " tensors: " + actual.size() + ", weight tensors: " + expected.size());
    }
    for (int t = 0; t < expected.size(); t++) {
      if (expected.get(t).size() != actual.get(t).size()) {
        throw new IllegalArgumentException(
            what + " " + actual.get(t).name() + " has " + actual.get(t).size() + " entries, weight "
                + expected.get(t).name() + " " + expected.get(t).size());
      }
    }
  }

  static void requireNonNegative(String name, float value) {
    if (!(value >= 0f && Float.isFinite(value))) {
      throw new IllegalArgumentException(name + " must be finite and ≥ 0; got " + value);
    }
  }

  static void requireFraction(String name, float value) {
    if (!(value >= 0f && value < 1f)) {
      throw new IllegalArgumentException(name + " must be in [0, 1); got " + value);
    }
  }
}
