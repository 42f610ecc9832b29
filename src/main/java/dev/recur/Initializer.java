package dev.recur;

/**
 * How fresh weights are drawn. The choice shapes the recurrent matrix {@code W_h}; input and output
 * weights and biases follow the rule given for each constant.
 */
public enum Initializer {
  /**
   * PyTorch's default for {@code nn.RNN} and {@code nn.Linear(H, O)}: every weight and bias uniform
   * in {@code ±1/√H}.
   */
  PYTORCH_UNIFORM,
  /**
   * Glorot and Bengio (2010): each matrix uniform in {@code ±√(6 / (fan_in + fan_out))}; biases
   * zero.
   */
  XAVIER_UNIFORM,
  /**
   * {@code W_h} a random orthogonal matrix (Saxe et al. 2014), so its singular values are all 1;
   * {@code W_x}, {@code W_y} Glorot-uniform; biases zero.
   */
  ORTHOGONAL,
  /**
   * The IRNN of Le, Jaitly and Hinton (2015): {@code W_h = scale · I}, biases zero, {@code W_x} and
   * {@code W_y} Gaussian with standard deviation 0.001. Meant for {@link Activation#RELU}.
   */
  IDENTITY
}
