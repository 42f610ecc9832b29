package dev.recur.kernel;

/**
 * The elementwise functions the kernels apply, {@code h = f(a)}, each with its derivative
 * expressed through its own output, so a backward pass needs only the stored states:
 *
 * <ul>
 *   <li>{@link #TANH}: {@code f'(a) = 1 - h²}
 *   <li>{@link #SIGMOID}: {@code f'(a) = h (1 - h)}
 *   <li>{@link #RELU}: {@code f'(a) = 1 if h > 0 else 0} (0 at {@code a = 0}, as PyTorch)
 * </ul>
 *
 * The kernel layer's own type, so that it depends on nothing above it; the model's {@link
 * dev.recur.Activation} and output functions map onto it in the layer core.
 */
public enum Nonlinearity {
  TANH,
  SIGMOID,
  RELU
}
