package dev.recur.cli;

import dev.recur.data.CharCorpus;
import dev.recur.inference.InferenceModel;
import dev.recur.io.ModelFile;
import dev.recur.inference.Sampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code recur generate MODEL}: sample text from a character model trained by {@code train --task CHARS}. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Sample text from a character model: feed the prime, then draw each next"
        + " character at the given temperature.")
final class GenerateCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "a character model (recur's format, with its vocabulary)")
  Path model;

  @Option(names = "--prime", required = true, description = "text to start from (characters of the vocabulary)")
  String prime;

  @Option(names = "--length", defaultValue = "200", description = "characters to generate (default ${DEFAULT-VALUE})")
  int length;

  @Option(names = "--temperature", defaultValue = "1.0", description = "sampling temperature > 0 (default ${DEFAULT-VALUE})")
  double temperature;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    new OptionChecks(spec).atLeast("--length", length, 0)
        .finiteAbove("--temperature", temperature, 0);
    if (prime.isEmpty()) {
      throw new OptionChecks(spec).refuse("--prime", "needs at least one character", "''");
    }
    new CommandFiles(spec).input("MODEL", model).check();
    // the sampled indices (4 bytes each) and the text (up to 4 bytes a character) at once
    MemoryBudget.require(MemoryBudget.floats(length, 2), "generating " + length + " characters",
        "--length");
    ModelFile.SavedModel saved = ModelFile.loadModel(model);
    String vocabulary = saved.metadata().get(ModelFile.VOCABULARY);
    if (vocabulary == null) {
      throw new IllegalArgumentException(model + " has no vocabulary: it is not a character model");
    }
    if (saved.metadata().containsKey(ModelFile.LABELS)) {
      throw new IllegalArgumentException(model + " is a segmenter (it tags characters), not a"
          + " character model: score it with eval --task SEGMENT");
    }
    CharCorpus corpus = CharCorpus.of(vocabulary);
    if (!corpus.vocabulary().equals(vocabulary)) {
      throw new IllegalArgumentException(model + ": its vocabulary is not sorted distinct characters");
    }
    int[] primeTokens = prime.codePoints().map(corpus::encode).toArray();
    int[] sampled = new Sampler(new InferenceModel(saved.weights()), seed)
        .sample(primeTokens, length, temperature);
    StringBuilder text = new StringBuilder(prime);
    for (int t : sampled) {
      text.appendCodePoint(corpus.decode(t));
    }
    spec.commandLine().getOut().println(text);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
