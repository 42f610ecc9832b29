package dev.recur.optim;

import dev.recur.Parameters;
import java.util.List;

/**
 * Updates weights from their gradients. Every optimizer keeps its state (momenta, running
 * averages) as {@link Parameters} of the weights' shapes, flat arrays in the same layout, so an
 * update is one pass over matching arrays and the state can be saved beside the model. The
 * formulas follow PyTorch's {@code torch.optim} of the same name, checked against it in tests.
 */
public interface Optimizer {

  /**
   * One update at the given learning rate. {@code weights} is modified; {@code gradients} is not
   * (weight decay is applied to a private view of the gradient). Both must have the shapes the
   * optimizer was made for.
   */
  void step(Parameters weights, Parameters gradients, float learningRate);

  /** The optimizer's state tensors, live (for checkpoints); empty for stateless ones. */
  List<Parameters> state();

  /** How many updates have been made (Adam's bias correction depends on it). */
  long steps();

  /** Restores the step count from a checkpoint, with {@link #state()} restored alongside. */
  void restoreSteps(long steps);
}
