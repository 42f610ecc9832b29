package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.SplitMix64;
import dev.recur.inference.InferenceModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The held-out loss against models whose predictions are known without running them. */
class NextTokenLossTest {

  private static final int V = 7;

  private static RnnConfig config() {
    return RnnConfig.builder(V, 5, V).output(OutputFunction.SOFTMAX).seed(3).build();
  }

  private static int[] randomTokens(int n, long seed) {
    SplitMix64 random = new SplitMix64(seed);
    int[] tokens = new int[n];
    Arrays.setAll(tokens, i -> random.nextInt(V));
    return tokens;
  }

  @Test
  void aModelThatPredictsUniformlyPaysLnV() {
    // all weights zero: every logit is 0, every prediction 1/V, whatever the tokens
    InferenceModel uniform = new InferenceModel(Parameters.zeros(config()));
    assertEquals(Math.log(V), NextTokenLoss.mean(uniform, randomTokens(1000, 1)), 1e-12);
  }

  @Test
  void aModelWithFixedPredictionsPaysTheirCrossEntropyWithTheTokenCounts() {
    // W_y = 0 and b_y = ln q: the model predicts q at every step (the recurrent part runs but
    // cannot reach the output), so the loss is −Σ_k (n_k / n) ln q_k over the n scored tokens
    double[] q = {0.3, 0.05, 0.1, 0.2, 0.15, 0.12, 0.08};
    Parameters weights = Parameters.initialize(config());
    Arrays.fill(weights.outputWeights(), 0f);
    float[] bias = weights.outputBias();
    for (int k = 0; k < V; k++) {
      bias[k] = (float) Math.log(q[k]);
    }
    weights.markChanged();
    int[] tokens = randomTokens(5000, 2);
    int[] counts = new int[V];
    for (int t = 1; t < tokens.length; t++) {
      counts[tokens[t]]++;
    }
    double expected = 0;
    for (int k = 0; k < V; k++) {
      expected -= counts[k] * Math.log(q[k]) / (tokens.length - 1);
    }
    // ln q rounded to float moves each prediction by about 1e-7 relative
    assertEquals(expected, NextTokenLoss.mean(new InferenceModel(weights), tokens), 1e-6);
  }

  @Test
  void refusesTooFewTokensAndTokensOutsideTheVocabulary() {
    InferenceModel model = new InferenceModel(Parameters.initialize(config()));
    var e = assertThrows(IllegalArgumentException.class, () -> NextTokenLoss.mean(model, new int[] {1}));
    assertEquals("scoring the next token needs at least 2 tokens; got 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NextTokenLoss.mean(model, new int[] {1, V}));
    assertTrue(e.getMessage().contains("token 7 is outside the model's vocabulary [0, 7)"),
        e.getMessage());
    InferenceModel dense = new InferenceModel(Parameters.initialize(
        RnnConfig.builder(3, 4, V).output(OutputFunction.SOFTMAX).build()));
    assertThrows(IllegalArgumentException.class, () -> NextTokenLoss.mean(dense, new int[] {1, 2}));
  }
}
