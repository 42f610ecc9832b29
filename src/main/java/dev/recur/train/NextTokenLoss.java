package dev.recur.train;

import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import java.util.Objects;

/**
 * How well a softmax model predicts a token stream it reads: from the zero state, it reads
 * {@code tokens[0..n−2]} one at a time and after each, scores the next token by cross-entropy,
 * −ln softmax(z_t)[tokens[t+1]]. The mean over the n − 1 predictions is the loss per token (per
 * character, for a character model) that a training loss compares with.
 */
public final class NextTokenLoss {

  private NextTokenLoss() {}

  /**
   * The mean cross-entropy in nats per token of predicting {@code tokens[1..]} (at least two
   * tokens, each in {@code [0, O)}), read in order by a new stream of {@code model}, whose inputs
   * must be tokens of the same vocabulary as its outputs.
   *
   * @param model a token model whose input and output sizes are both the vocabulary O
   * @param tokens the stream to score, at least 2 tokens, each in [0, O); not modified
   * @return the mean cross-entropy over the n − 1 predictions, in nats per token
   * @throws IllegalArgumentException if the input and output sizes differ, there are fewer than
   *     two tokens, or a token is outside the vocabulary
   * @throws NullPointerException if the model or the tokens are null
   */
  public static double mean(InferenceModel model, int[] tokens) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tokens, "tokens");
    int vocabulary = model.config().outputSize();
    if (model.config().inputSize() != vocabulary) {
      throw new IllegalArgumentException("next-token prediction needs inputSize = outputSize (the"
          + " vocabulary); got " + model.config().inputSize() + " and " + vocabulary);
    }
    if (tokens.length < 2) {
      throw new IllegalArgumentException(
          "scoring the next token needs at least 2 tokens; got " + tokens.length);
    }
    for (int t : tokens) {
      if (t < 0 || t >= vocabulary) {
        throw new IllegalArgumentException(
            "token " + t + " is outside the model's vocabulary [0, " + vocabulary + ")");
      }
    }
    double sum = 0;
    try (RnnStream stream = model.newStream()) {
      for (int t = 0; t + 1 < tokens.length; t++) {
        stream.step(tokens[t]);
        sum += crossEntropy(stream.logits(), tokens[t + 1]);
      }
    }
    return sum / (tokens.length - 1);
  }

  /** −ln softmax(z)[target] = ln Σ_k exp(z_k − max) + max − z_target, computed without overflow. */
  private static double crossEntropy(float[] z, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    double total = 0;
    for (float v : z) {
      total += Math.exp(v - max);
    }
    return Math.log(total) + max - z[target];
  }
}
