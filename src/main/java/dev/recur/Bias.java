package dev.recur;

/** Which bias vectors the model has. */
public enum Bias {
  /** No biases at all, as in the notes: {@code a_t = W_x x_t + W_h h_{t-1}}, {@code z_t = W_y h_t}. */
  NONE,
  /** One hidden bias {@code b_h} and one output bias {@code b_y}. */
  SINGLE,
  /**
   * PyTorch's {@code nn.RNN} layout: two hidden biases {@code b_ih} and {@code b_hh} whose sum is
   * {@code b_h} (each receives the same gradient), and the output bias {@code b_y}.
   */
  PYTORCH_PAIR
}
