package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.ElmanRnn;
import dev.recur.GradientClipping;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Targets;
import dev.recur.Tensor;
import dev.recur.Workspace;
import dev.recur.data.CharCorpus;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.Sampler;
import dev.recur.optim.Adagrad;
import dev.recur.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short version of the min-char-rnn result: H = 64, chunks of 25 characters, Adagrad at 0.1,
 * clipping at ±5, on a small repetitive text. The loss per character must fall from ln(V) (a
 * uniform guess) to near zero, and a cold sample must continue the text as written. A wrong
 * gradient, a broken optimizer or a state not carried across chunks would not get there.
 */
class CharModelTest {

  private static final String SENTENCE = "the quick brown fox jumps over the lazy dog. ";

  @Test
  void learnsARepeatedSentenceAndContinuesIt() {
    CharCorpus corpus = CharCorpus.of(SENTENCE.repeat(40));
    int vocabulary = corpus.vocabularySize();
    RnnConfig config = RnnConfig.builder(vocabulary, 64, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(1).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    List<StreamTrainer.Iteration> log = new ArrayList<>();
    StreamTrainer trainer = new StreamTrainer(model, new Adagrad(config, 1e-8f, 0f),
        LearningRateSchedule.constant(0.1f), corpus.tokens(), 1, 25, 25, 5f);
    trainer.train(250, log::add);
    trainer.train(350, log::add); // a second call continues the first
    for (int i = 0; i < log.size(); i++) {
      assertEquals(i + 1, log.get(i).iteration());
    }

    double first = log.get(0).loss();
    double last = log.subList(log.size() - 20, log.size()).stream()
        .mapToDouble(StreamTrainer.Iteration::loss).average().orElseThrow();
    assertEquals(Math.log(vocabulary), first, 0.3, "starts near a uniform guess");
    assertTrue(last < 0.15, "loss per character after 600 chunks: " + last);

    int[] prime = encode(corpus, "the quick ");
    int[] sampled = new Sampler(new InferenceModel(model.weights()), 5).sample(prime, 35, 0.05);
    assertEquals("brown fox jumps over the lazy dog. ", decode(corpus, sampled));
  }

  /**
   * The first chunk starts from h = 0, so its truncated BPTT is plain BPTT over 25 steps: its
   * reported norm, clipping flag and ‖∂L/∂h_t‖ must match a separate forward/backward pass of the
   * untrained model over the same characters.
   */
  @Test
  void reportsEachChunksGradientDiagnostics() {
    CharCorpus corpus = CharCorpus.of(SENTENCE.repeat(3));
    int vocabulary = corpus.vocabularySize();
    RnnConfig config = RnnConfig.builder(vocabulary, 16, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(4).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    int[] tokens = corpus.tokens();
    int[] inputs = java.util.Arrays.copyOfRange(tokens, 0, 25);
    int[] targets = java.util.Arrays.copyOfRange(tokens, 1, 26);
    Workspace ws = model.workspace(25, 1);
    model.forward(ws, Inputs.tokens(inputs, 25, 1));
    Parameters expected = Parameters.zeros(config);
    double loss = model.backward(ws, Loss.CROSS_ENTROPY, Targets.everyStepClasses(targets), expected);
    float limit = 0.05f;
    boolean anyAbove = false;
    for (Tensor t : expected.tensors()) {
      for (float g : t.values()) {
        anyAbove |= Math.abs(g) > limit;
      }
    }

    List<Trainer.Update> reports = new ArrayList<>();
    new StreamTrainer(ElmanRnn.initialize(config), new Adagrad(config, 1e-8f, 0f),
        LearningRateSchedule.constant(0.1f), tokens, 1, 25, 25, limit)
        .onUpdate(reports::add).train(3, it -> {});

    assertEquals(3, reports.size());
    Trainer.Update first = reports.get(0);
    assertEquals(1, first.update());
    assertEquals(loss / 25, first.loss(), 1e-6);
    assertEquals(GradientClipping.globalNorm(expected), first.gradientNorm(), 1e-6);
    assertTrue(anyAbove, "the limit is meant to bite on this chunk");
    assertEquals(anyAbove, first.clipped());
    assertArrayEquals(ws.hiddenGradientNorms(), first.hiddenGradientNorms(), 1e-6f);
    assertEquals(3, reports.get(2).update());
  }

  @Test
  void aStreamThatDivergesStopsBeforeTheWeightsAreTouched() {
    CharCorpus corpus = CharCorpus.of(SENTENCE.repeat(2));
    int vocabulary = corpus.vocabularySize();
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(vocabulary, 8, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(2).build());
    model.weights().inputWeights()[0] = Float.NaN;
    Parameters before = model.weights().copy();
    StreamTrainer trainer = new StreamTrainer(model, new Adagrad(model.config(), 1e-8f, 0f),
        LearningRateSchedule.constant(0.1f), corpus.tokens(), 1, 25, 25, 5f);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> trainer.train(3, it -> {}));
    assertEquals("update 1: the loss is NaN; no finite loss before it", e.getMessage());
    assertArrayEquals(before.recurrentWeights(), model.weights().recurrentWeights());
  }

  @Test
  void samplingIsSeededAndTemperatureMustBePositive() {
    CharCorpus corpus = CharCorpus.of("abcabc");
    RnnConfig config = RnnConfig.builder(3, 8, 3).output(OutputFunction.SOFTMAX).build();
    InferenceModel model = new InferenceModel(ElmanRnn.initialize(config).weights());
    assertArrayEquals(new Sampler(model, 3).sample(new int[] {0}, 50, 1.0),
        new Sampler(model, 3).sample(new int[] {0}, 50, 1.0));
    assertEquals("need a prime of at least one token, length ≥ 0 and a finite temperature > 0;"
            + " got 1 tokens, length 5, temperature 0.0",
        assertThrows(IllegalArgumentException.class,
            () -> new Sampler(model, 1).sample(new int[] {0}, 5, 0)).getMessage());
    assertEquals(3, corpus.vocabularySize());
  }

  private static int[] encode(CharCorpus corpus, String text) {
    return text.codePoints().map(corpus::encode).toArray();
  }

  private static String decode(CharCorpus corpus, int[] tokens) {
    StringBuilder out = new StringBuilder();
    for (int t : tokens) {
      out.appendCodePoint(corpus.decode(t));
    }
    return out.toString();
  }
}
