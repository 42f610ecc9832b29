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
   *
   * @param weights the model's weights, updated in place
   * @param gradients the gradients of the loss with respect to {@code weights}, tensor for tensor
   *     in the same flat layout; not modified
   * @param learningRate η, finite and ≥ 0
   * @throws IllegalArgumentException if the learning rate is negative or not finite, or if the
   *     weights, the gradients or the optimizer's state differ in tensor count or tensor size
   */
  void step(Parameters weights, Parameters gradients, float learningRate);

  /**
   * The optimizer's state tensors, live (for checkpoints); empty for stateless ones.
   *
   * @return one {@link Parameters} per state slot (Adam: first then second moment), each of the
   *     weights' shapes; writes to them change the optimizer's state
   */
  List<Parameters> state();

  /**
   * How many updates have been made (Adam's bias correction depends on it).
   *
   * @return the number of completed {@link #step} calls, plus any count restored by {@link
   *     #restoreSteps}; 0 for a new optimizer
   */
  long steps();

  /**
   * Restores the step count from a checkpoint, with {@link #state()} restored alongside.
   *
   * @param steps the count saved with the checkpoint, ≥ 0
   * @throws IllegalArgumentException if {@code steps} is negative
   */
  void restoreSteps(long steps);
}
