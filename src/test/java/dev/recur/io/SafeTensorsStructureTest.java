package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every structure through safetensors: stacked and bidirectional layers, an embedding, a head or
 * none, each bias on its own. Models round-trip bit for bit (native → safetensors → native gives
 * the same native bytes), and files whose tensors do not fit together are refused with a message
 * that says how.
 */
class SafeTensorsStructureTest {

  @TempDir Path dir;
  private int forged;

  static Stream<Arguments> structures() {
    return Stream.of(
        Arguments.of("2-layer unidirectional", RnnConfig.builder(3, 5, 2).layers(2)),
        Arguments.of("3-layer bidirectional, pair of biases",
            RnnConfig.builder(4, 6, 3).layers(3).bidirectional(true).bias(Bias.PYTORCH_PAIR)),
        Arguments.of("embedding, 2-layer bidirectional, no head",
            RnnConfig.builder(9, 4, 1).embedding(5).layers(2).bidirectional(true).noHead()),
        Arguments.of("head without bias over a pair of biases",
            RnnConfig.builder(3, 5, 2).layers(2).bias(Bias.PYTORCH_PAIR).headBias(false)),
        Arguments.of("head bias over layers without",
            RnnConfig.builder(3, 5, 2).bias(Bias.NONE).headBias(true)),
        Arguments.of("no bias anywhere, 1-layer bidirectional",
            RnnConfig.builder(3, 5, 2).bias(Bias.NONE).bidirectional(true)),
        Arguments.of("embedding, one layer", RnnConfig.builder(12, 5, 12).embedding(4)
            .activation(Activation.RELU).output(OutputFunction.SOFTMAX)),
        Arguments.of("4 layers with dropout", RnnConfig.builder(2, 3, 1).layers(4).dropout(0.25f)),
        Arguments.of("one layer, no head", RnnConfig.builder(2, 3, 1).noHead()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structures")
  void nativeToSafeTensorsToNativeKeepsEveryByte(String name, RnnConfig.Builder builder)
      throws IOException {
    Parameters original = seeded(builder.build());
    if (original.config().bias() == Bias.SINGLE) {
      original.layer(0, 0).firstBias()[0] = -0f; // survives summing with the zero b_hh written
    }
    byte[] nativeBytes = ModelFile.toBytes(original);
    Path file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, ModelFile.fromBytes(file, nativeBytes), PyTorchNames.rnnAndHead());
    Parameters loaded = SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null,
        original.config().bias() == Bias.PYTORCH_PAIR);

    assertEquals(original.config(), loaded.config());
    assertArrayEquals(nativeBytes, ModelFile.toBytes(loaded), "the native file, byte for byte");
    byte[] written = Files.readAllBytes(file);
    SafeTensorsFile.write(file, loaded, PyTorchNames.rnnAndHead());
    assertArrayEquals(written, Files.readAllBytes(file), "the safetensors file, byte for byte");
  }

  /**
   * Weights drawn from the config's seed, under a config with the default initializer and seed 0
   * (safetensors keeps neither), so that the native bytes can be compared.
   */
  private static Parameters seeded(RnnConfig config) {
    Parameters drawn = Parameters.initialize(config.toBuilder().seed(31).build());
    Parameters p = Parameters.zeros(config);
    p.copyFrom(drawn);
    return p;
  }

  @Test
  void namesFollowPyTorchsStateDictOrder() throws IOException {
    Parameters model = seeded(RnnConfig.builder(7, 3, 2).embedding(4).layers(2).bidirectional(true)
        .bias(Bias.PYTORCH_PAIR).headBias(false).build());
    Path file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, model, new PyTorchNames("encoder.", "decoder.", true, "tokens."));
    List<String> expected = new ArrayList<>(List.of("tokens.weight"));
    for (String layer : List.of("_l0", "_l0_reverse", "_l1", "_l1_reverse")) {
      for (String kind : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) {
        expected.add("encoder." + kind + layer);
      }
    }
    expected.add("decoder.weight");
    assertEquals(expected, names(Files.readAllBytes(file)));
    assertTrue(SafeTensorsBytes.header(Files.readAllBytes(file))
        .contains("\"encoder.weight_ih_l1\":{\"dtype\":\"F32\",\"shape\":[3,6]"), "H × D·H");
    Parameters loaded = SafeTensorsFile.read(
        file, new PyTorchNames("encoder.", "decoder.", true, "tokens."), null, null, true);
    assertEquals(model.config(), loaded.config());
  }

  @Test
  void theStructureComesFromTheNamesAlone() throws IOException {
    // as PyTorch writes it: no metadata; 2 layers, both directions, no biases, a head with bias
    Path file = file(Map.of(), "rnn.weight_ih_l0", 4, 3, "rnn.weight_hh_l0", 4, 4,
        "rnn.weight_ih_l0_reverse", 4, 3, "rnn.weight_hh_l0_reverse", 4, 4,
        "rnn.weight_ih_l1", 4, 8, "rnn.weight_hh_l1", 4, 4,
        "rnn.weight_ih_l1_reverse", 4, 8, "rnn.weight_hh_l1_reverse", 4, 4,
        "head.weight", 2, 8, "head.bias", 2);
    RnnConfig config = read(file, Set.of()).config();
    assertEquals(RnnConfig.builder(3, 4, 2).layers(2).bidirectional(true).bias(Bias.NONE)
        .headBias(true).build(), config);

    Path noHead = file(Map.of(), "embedding.weight", 10, 3, "rnn.weight_ih_l0", 4, 3,
        "rnn.weight_hh_l0", 4, 4, "rnn.bias_ih_l0", 4, "rnn.bias_hh_l0", 4);
    assertEquals(RnnConfig.builder(10, 4, 4).embedding(3).bias(Bias.PYTORCH_PAIR).noHead().build(),
        read(noHead, Set.of()).config());
  }

  @Test
  void anNnRnnCellHoldsOneLayer() throws IOException {
    PyTorchNames cell = new PyTorchNames("cell.", "out.", false);
    Parameters model = seeded(RnnConfig.builder(3, 4, 2).embedding(5).build());
    Path file = dir.resolve("cell.safetensors");
    SafeTensorsFile.write(file, model, cell);
    assertEquals(List.of("embedding.weight", "cell.weight_ih", "cell.weight_hh", "cell.bias_ih",
        "cell.bias_hh", "out.weight", "out.bias"), names(Files.readAllBytes(file)));
    assertEquals(model.config(), SafeTensorsFile.read(file, cell, null, null, false).config());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        SafeTensorsFile.write(file, seeded(RnnConfig.builder(3, 4, 2).layers(2).build()), cell));
    assertEquals("nn.RNNCell names (no _l0 suffix) hold one layer in one direction; this model has"
        + " 2 layers, so write it with nn.RNN's names", e.getMessage());

    Path stacked = file(Map.of(), "cell.weight_ih", 4, 3, "cell.weight_hh", 4, 4,
        "cell.weight_ih_l1", 4, 4, "out.weight", 2, 4);
    assertRefused(stacked, cell, Set.of(), "has tensors recur does not read: [cell.weight_ih_l1];"
        + " these are nn.RNN names (with a layer suffix such as _l0), and the file is being read as"
        + " an nn.RNNCell (no suffix)");
  }

  @Test
  void dropoutTravelsInRecursMetadata() throws IOException {
    Path file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, seeded(RnnConfig.builder(2, 3, 1).layers(3).dropout(0.3f).build()),
        PyTorchNames.rnnAndHead());
    assertTrue(SafeTensorsBytes.header(Files.readAllBytes(file)).contains("\"recur.dropout\":\"0.3\""));
    assertEquals(0.3f, read(file, Set.of()).config().dropout());

    Path bad = file(Map.of("recur.dropout", "lots"), "rnn.weight_ih_l0", 4, 3, "rnn.weight_hh_l0", 4, 4);
    assertRefused(bad, "'recur.dropout' in the metadata is 'lots', not a number");
  }

  /** Layer 0 of 3 inputs and 4 states, the tensors every bad file below starts from. */
  private static final Object[] LAYER_0 = {"rnn.weight_ih_l0", 4, 3, "rnn.weight_hh_l0", 4, 4};

  static Stream<Arguments> badStructures() {
    return Stream.of(
        Arguments.of("a missing layer", List.of(LAYER_0,
                "rnn.weight_ih_l2", 4, 4, "rnn.weight_hh_l2", 4, 4),
            "has tensors of layers [0, 2] but none of layer 1 (no rnn.weight_ih_l1): the layers of"
                + " an nn.RNN are numbered from 0 without a gap"),
        Arguments.of("a layer with a gap", List.of(LAYER_0,
                "rnn.weight_ih_l1", 4, 4, "rnn.bias_ih_l1", 4, "rnn.bias_hh_l1", 4),
            "has no tensor 'rnn.weight_hh_l1', which layer 1 needs beside [rnn.weight_ih_l1,"
                + " rnn.bias_ih_l1, rnn.bias_hh_l1]"),
        Arguments.of("a reverse direction with a gap", List.of(LAYER_0,
                "rnn.weight_hh_l0_reverse", 4, 4),
            "has no tensor 'rnn.weight_ih_l0_reverse', which the reverse direction of layer 0 needs"
                + " beside [rnn.weight_hh_l0_reverse]"),
        Arguments.of("_reverse in some layers only", List.of(LAYER_0,
                "rnn.weight_ih_l0_reverse", 4, 3, "rnn.weight_hh_l0_reverse", 4, 4,
                "rnn.weight_ih_l1", 4, 8, "rnn.weight_hh_l1", 4, 4),
            "has both directions in layers [0] but only one in layers [1] (no"
                + " rnn.weight_ih_l1_reverse): a bidirectional nn.RNN has _reverse tensors in every layer"),
        Arguments.of("a layer with only its reverse direction", List.of(LAYER_0,
                "rnn.weight_ih_l0_reverse", 4, 3, "rnn.weight_hh_l0_reverse", 4, 4,
                "rnn.weight_ih_l1_reverse", 4, 8, "rnn.weight_hh_l1_reverse", 4, 4),
            "has both directions in layers [0] but only one in layers [1] (no rnn.weight_ih_l1):"
                + " a bidirectional nn.RNN has _reverse tensors in every layer"),
        Arguments.of("weight_ih_l1 not H × 2H", List.of(LAYER_0,
                "rnn.weight_ih_l0_reverse", 4, 3, "rnn.weight_hh_l0_reverse", 4, 4,
                "rnn.weight_ih_l1", 4, 4, "rnn.weight_hh_l1", 4, 4,
                "rnn.weight_ih_l1_reverse", 4, 8, "rnn.weight_hh_l1_reverse", 4, 4),
            "rnn.weight_ih_l1 has shape [4, 4], expected [4, 8]: layer 1 reads the states of layer 0"
                + " in both directions (2 × hidden size 4)"),
        Arguments.of("weight_ih_l1 not H × H", List.of(LAYER_0,
                "rnn.weight_ih_l1", 4, 3, "rnn.weight_hh_l1", 4, 4),
            "rnn.weight_ih_l1 has shape [4, 3], expected [4, 4]: layer 1 reads the states of layer 0"
                + " (hidden size 4)"),
        Arguments.of("weight_hh_l1 not H × H", List.of(LAYER_0,
                "rnn.weight_ih_l1", 4, 4, "rnn.weight_hh_l1", 5, 5),
            "rnn.weight_hh_l1 has shape [5, 5], expected [4, 4]: the hidden size is 4, the rows of"
                + " rnn.weight_ih_l0"),
        Arguments.of("a reverse direction of other inputs", List.of(LAYER_0,
                "rnn.weight_ih_l0_reverse", 4, 2, "rnn.weight_hh_l0_reverse", 4, 4),
            "rnn.weight_ih_l0_reverse has shape [4, 2], expected [4, 3]: both directions of layer 0"
                + " read the inputs, as rnn.weight_ih_l0 does"),
        Arguments.of("an embedding of another width", List.of("embedding.weight", 10, 5, LAYER_0),
            "embedding.weight has shape [10, 5], expected [any, 3] of at most 65536: each token's"
                + " vector is the input of rnn.weight_ih_l0, which has 3 columns"),
        Arguments.of("biases in some layers only", List.of(LAYER_0, "rnn.bias_ih_l0", 4,
                "rnn.bias_hh_l0", 4, "rnn.weight_ih_l1", 4, 4, "rnn.weight_hh_l1", 4, 4),
            "has biases in layer 0 (rnn.bias_ih_l0) but none in layer 1 (no rnn.bias_ih_l1): an"
                + " nn.RNN has biases in every layer and direction or in none"),
        Arguments.of("biases in one direction only", List.of(LAYER_0,
                "rnn.weight_ih_l0_reverse", 4, 3, "rnn.weight_hh_l0_reverse", 4, 4,
                "rnn.bias_ih_l0_reverse", 4, "rnn.bias_hh_l0_reverse", 4),
            "has biases in the reverse direction of layer 0 (rnn.bias_ih_l0_reverse) but none in"
                + " layer 0 (no rnn.bias_ih_l0): an nn.RNN has biases in every layer and direction or"
                + " in none"),
        Arguments.of("one bias of a pair", List.of(LAYER_0, "rnn.bias_ih_l0", 4, "rnn.bias_hh_l0", 4,
                "rnn.weight_ih_l1", 4, 4, "rnn.weight_hh_l1", 4, 4, "rnn.bias_hh_l1", 4),
            "has only one of rnn.bias_ih_l1 and rnn.bias_hh_l1"),
        Arguments.of("a bias of another length", List.of(LAYER_0,
                "rnn.weight_ih_l1", 4, 4, "rnn.weight_hh_l1", 4, 4, "rnn.bias_ih_l0", 4,
                "rnn.bias_hh_l0", 4, "rnn.bias_ih_l1", 4, "rnn.bias_hh_l1", 3),
            "rnn.bias_hh_l1 has shape [3], expected [4]"),
        Arguments.of("a head of one direction over two", List.of(LAYER_0,
                "rnn.weight_ih_l0_reverse", 4, 3, "rnn.weight_hh_l0_reverse", 4, 4,
                "head.weight", 2, 4),
            "head.weight has shape [2, 4], expected [any, 8] of at most 65536: the head reads the"
                + " states of layer 0 in both directions (2 × hidden size 4)"),
        Arguments.of("a head bias without a head", List.of(LAYER_0, "head.bias", 2),
            "has head.bias but no head.weight: a head needs its weight (a model without a head has"
                + " neither)"),
        Arguments.of("a head bias of another length", List.of(LAYER_0, "head.weight", 2, 4,
                "head.bias", 3),
            "head.bias has shape [3], expected [2]"),
        Arguments.of("a layer past recur's last", List.of(LAYER_0, "rnn.weight_ih_l64", 4, 4),
            "rnn.weight_ih_l64 is past the last layer recur holds: at most 64 layers, numbered 0 to 63"),
        Arguments.of("a layer number of many digits", List.of(LAYER_0,
                "rnn.bias_hh_l123456789012345678901234567890", 4),
            "rnn.bias_hh_l123456789012345678901234567890 is past the last layer recur holds: at most"
                + " 64 layers, numbered 0 to 63"),
        Arguments.of("no first layer", List.of("rnn.weight_ih_l1", 4, 4, "rnn.weight_hh_l1", 4, 4),
            "has no tensor 'rnn.weight_ih_l0'; it has [rnn.weight_ih_l1, rnn.weight_hh_l1]"),
        Arguments.of("a name PyTorch does not write", List.of(LAYER_0, "rnn.weight_ih_l01", 4, 4),
            "has tensors recur does not read: [rnn.weight_ih_l01]; recur reads only"
                + " [rnn.weight_ih_l0, rnn.weight_hh_l0], so name the others as ignored tensors if the"
                + " model does not need them"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badStructures")
  void structuresThatDoNotFitAreRefusedSayingWhy(String name, List<Object> tensors, String problem)
      throws IOException {
    Path file = file(Map.of(), flatten(tensors));
    assertRefused(file, problem);
    // recur's metadata changes nothing: the structure is checked first
    assertRefused(file(Map.of("recur.activation", "RELU"), flatten(tensors)), problem);
  }

  @Test
  void unknownTensorsAreStillRefusedUnlessIgnored() throws IOException {
    Parameters model = seeded(RnnConfig.builder(3, 4, 2).embedding(5).layers(3).bidirectional(true)
        .bias(Bias.PYTORCH_PAIR).build());
    Path file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, model, PyTorchNames.rnnAndHead());
    Files.write(file, SafeTensorsBytes.withTensor(Files.readAllBytes(file), "bn.num_batches_tracked", "I64"));
    assertRefused(file, "has tensors recur does not read: [bn.num_batches_tracked]; recur reads only"
        + " [embedding.weight, rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,"
        + " rnn.weight_ih_l0_reverse, rnn.weight_hh_l0_reverse, rnn.bias_ih_l0_reverse,"
        + " rnn.bias_hh_l0_reverse, rnn.weight_ih_l1] and 17 more, so name the others as ignored"
        + " tensors if the model does not need them");
    Parameters loaded = read(file, Set.of("bn.num_batches_tracked"));
    for (int i = 0; i < model.tensors().size(); i++) {
      assertArrayEquals(model.tensors().get(i).values(), loaded.tensors().get(i).values());
    }

    for (String recurs : List.of("rnn.weight_ih_l3_reverse", "rnn.bias_hh_l1", "embedding.weight",
        "head.bias")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> read(file, Set.of(recurs)));
      assertEquals(recurs + " is a tensor recur reads; it cannot be ignored", e.getMessage());
    }
  }

  @Test
  void theEmbeddingPrefixIsTheUsersChoice() throws IOException {
    Parameters model = seeded(RnnConfig.builder(6, 4, 2).embedding(3).build());
    Path file = dir.resolve("m.safetensors");
    PyTorchNames words = new PyTorchNames("rnn.", "head.", true, "words.");
    SafeTensorsFile.write(file, model, words);
    assertEquals(model.config(), SafeTensorsFile.read(file, words, null, null, false).config());
    assertRefused(file, "has tensors recur does not read: [words.weight]; recur reads only"
        + " [rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, head.weight,"
        + " head.bias], so name the others as ignored tensors if the model does not need them");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PyTorchNames("rnn.", "head.", true, "head."));
    assertEquals("the embedding needs a prefix of its own; 'head.' is also the head's", e.getMessage());
  }

  /**
   * Seeded mutations of the names and shapes of a deep model's file, keeping its byte layout
   * valid so that every one reaches the structure checks: layer numbers changed, {@code _reverse}
   * added or dropped, kinds swapped, prefixes changed, dimensions swapped. Each must load or
   * throw {@link InvalidModelFileException}.
   */
  @Test
  void mutatedNamesAndShapesLoadOrAreRefused() throws IOException {
    Parameters model = seeded(RnnConfig.builder(4, 3, 2).embedding(3).layers(3).bidirectional(true)
        .bias(Bias.PYTORCH_PAIR).build());
    Path file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, model, PyTorchNames.rnnAndHead());
    byte[] valid = Files.readAllBytes(file);
    String header = SafeTensorsBytes.header(valid);
    byte[] data = SafeTensorsBytes.data(valid);
    List<String> names = names(valid);
    String[][] swaps = {{"_l0", "_l1"}, {"_l1", "_l2"}, {"_l2", "_l3"}, {"_l1", "_l9"},
        {"_reverse\"", "\""}, {"_l0\"", "_l0_reverse\""}, {"weight_ih", "weight_hh"},
        {"bias_ih", "bias_hh"}, {"bias_ih", "bias_xx"}, {"head.", "tail."}, {"embedding.", "emb."},
        {"rnn.", "cell."}, {"[3,6]", "[6,3]"}, {"[3,3]", "[9,1]"}, {"[3]", "[1,3]"}, {"[2,6]", "[6,2]"}};
    SplittableRandom random = new SplittableRandom(11);
    int[] outcomes = new int[2];
    for (int i = 0; i < 3000; i++) {
      String mutated = header;
      for (int m = 1 + random.nextInt(3); m > 0; m--) {
        String name = names.get(random.nextInt(names.size()));
        int at = mutated.indexOf("\"" + name + "\"");
        if (at < 0) {
          continue;
        }
        int end = mutated.indexOf('}', at);
        String[] swap = swaps[random.nextInt(swaps.length)];
        String entry = mutated.substring(at, end);
        mutated = mutated.substring(0, at) + entry.replace(swap[0], swap[1]) + mutated.substring(end);
      }
      Files.write(file, SafeTensorsBytes.of(mutated, data));
      try {
        SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null, random.nextBoolean(),
            Set.of("tail.weight", "tail.bias", "emb.weight"));
        outcomes[0]++;
      } catch (InvalidModelFileException refused) {
        outcomes[1]++;
      }
    }
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "some load, some are refused: "
        + java.util.Arrays.toString(outcomes));
  }

  @Test
  void layerNamesAreTakenApartExactly() {
    PyTorchNames names = PyTorchNames.rnnAndHead();
    assertEquals(new PyTorchNames.RnnParameter(PyTorchNames.Kind.BIAS_HH, 12, 1),
        names.parseRnn("rnn.bias_hh_l12_reverse"));
    assertEquals(new PyTorchNames.RnnParameter(PyTorchNames.Kind.WEIGHT_IH, 0, 0),
        names.parseRnn("rnn.weight_ih_l0"));
    for (String not : List.of("rnn.weight_ih", "rnn.weight_ih_l", "rnn.weight_ih_l00",
        "rnn.weight_ih_l1_rev", "rnn.weight_ih_l1_reverse_", "rnn.weight_io_l0", "head.weight_ih_l0",
        "rnn.weight_ih_lx")) {
      assertEquals(null, names.parseRnn(not), not);
    }
    assertEquals(new PyTorchNames.RnnParameter(PyTorchNames.Kind.WEIGHT_HH, 0, 0),
        new PyTorchNames("", "fc.", false).parseRnn("weight_hh"));
    assertFalse(new PyTorchNames("", "fc.", false).isRead("weight_hh_l0"));
  }

  private Parameters read(Path file, Set<String> ignored) throws IOException {
    return SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), Activation.TANH,
        OutputFunction.IDENTITY, true, ignored);
  }

  private void assertRefused(Path file, String problem) {
    assertRefused(file, PyTorchNames.rnnAndHead(), Set.of(), problem);
  }

  private static void assertRefused(Path file, PyTorchNames names, Set<String> ignored, String problem) {
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> SafeTensorsFile.read(
        file, names, Activation.TANH, OutputFunction.IDENTITY, true, ignored));
    assertEquals(file + ": " + problem, e.getMessage());
  }

  /** Nested arrays of tensor specs, flattened: the test cases share {@link #LAYER_0}. */
  private static Object[] flatten(List<Object> specs) {
    List<Object> flat = new ArrayList<>();
    for (Object spec : specs) {
      if (spec instanceof Object[] nested) {
        flat.addAll(List.of(nested));
      } else {
        flat.add(spec);
      }
    }
    return flat.toArray();
  }

  /**
   * A safetensors file of F32 tensors, each a name followed by its dimensions, with small
   * random values; {@code metadata} as the header's {@code __metadata__} (none when empty).
   */
  private Path file(Map<String, String> metadata, Object... specs) throws IOException {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    String name = null;
    List<Long> dims = new ArrayList<>();
    for (Object spec : specs) {
      if (spec instanceof String s) {
        if (name != null) {
          shapes.put(name, dims.stream().mapToLong(Long::longValue).toArray());
        }
        name = s;
        dims.clear();
      } else {
        dims.add(((Integer) spec).longValue());
      }
    }
    shapes.put(name, dims.stream().mapToLong(Long::longValue).toArray());

    StringBuilder header = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      header.append("\"__metadata__\":{");
      metadata.forEach((k, v) -> header.append('"').append(k).append("\":\"").append(v).append("\","));
      header.setCharAt(header.length() - 1, '}');
      header.append(',');
    }
    long offset = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long count = 1;
      for (long d : e.getValue()) {
        count *= d;
      }
      header.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
          .append(java.util.Arrays.toString(e.getValue()).replace(" ", ""))
          .append(",\"data_offsets\":[").append(offset).append(',').append(offset + 4 * count).append("]},");
      offset += 4 * count;
    }
    header.setCharAt(header.length() - 1, '}');
    ByteBuffer data = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
    SplittableRandom random = new SplittableRandom(offset);
    while (data.hasRemaining()) {
      data.putFloat((float) random.nextDouble(-0.5, 0.5));
    }
    Path file = dir.resolve("forged-" + forged++ + ".safetensors");
    Files.write(file, SafeTensorsBytes.of(header.toString(), data.array()));
    return file;
  }

  private static List<String> names(byte[] file) {
    return List.copyOf(java.util.regex.Pattern.compile("\"([^\"]+)\":\\{\"dtype\"")
        .matcher(SafeTensorsBytes.header(file)).results().map(m -> m.group(1)).toList());
  }
}
