package dev.recur;

/** Output function {@code g} in {@code ŷ_t = g(z_t)}. */
public enum OutputFunction {
  /** {@code ŷ = z}: regression. */
  IDENTITY,
  /** {@code ŷ_i = exp(z_i) / Σ_j exp(z_j)}: one class out of O. */
  SOFTMAX,
  /** {@code ŷ_i = 1 / (1 + exp(-z_i))}: O independent yes/no outputs. */
  SIGMOID
}
