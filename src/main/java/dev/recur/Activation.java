package dev.recur;

/**
 * Hidden-layer nonlinearity {@code f} in {@code h_t = f(a_t)}.
 *
 * <p>Each derivative is expressed through the activation's own output {@code h = f(a)}, so the
 * backward pass needs only the stored states, never the pre-activations:
 *
 * <ul>
 *   <li>{@link #TANH}: {@code f'(a) = 1 - h²}
 *   <li>{@link #SIGMOID}: {@code f'(a) = h (1 - h)}
 *   <li>{@link #RELU}: {@code f'(a) = 1 if h > 0 else 0} (0 at {@code a = 0}, as PyTorch)
 * </ul>
 */
public enum Activation {
  /** tanh(a), in (-1, 1). */
  TANH,
  /** 1 / (1 + e^-a), in (0, 1). */
  SIGMOID,
  /** max(0, a). */
  RELU
}
