package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.kernel.KernelSelection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelFileTest {

  @TempDir Path dir;

  static Parameters model(Bias bias) {
    return Parameters.initialize(
        RnnConfig.builder(5, 11, 3)
            .activation(Activation.RELU)
            .output(OutputFunction.SOFTMAX)
            .bias(bias)
            .seed(77)
            .build());
  }

  /** Every structure round-trips: layers, directions, embedding, head and its bias, dropout. */
  @Test
  void stackedStructuresRoundTripBitForBit() throws IOException {
    List<RnnConfig> configs = List.of(
        RnnConfig.builder(5, 7, 3).layers(3).dropout(0.2f).build(),
        RnnConfig.builder(9, 6, 2).layers(2).bidirectional(true).embedding(4)
            .bias(Bias.PYTORCH_PAIR).headBias(false).build(),
        RnnConfig.builder(5, 6, 1).bidirectional(true).bias(Bias.NONE).noHead().seed(3).build());
    for (RnnConfig config : configs) {
      Parameters original = Parameters.initialize(config);
      Path file = dir.resolve("stack.recur");
      ModelFile.save(file, original);
      Parameters loaded = ModelFile.load(file);
      assertEquals(config, loaded.config());
      assertEquals(original.tensors().stream().map(t -> t.name()).toList(),
          loaded.tensors().stream().map(t -> t.name()).toList());
      for (int i = 0; i < original.tensors().size(); i++) {
        assertArrayEquals(original.tensors().get(i).values(), loaded.tensors().get(i).values());
      }
    }
  }

  /**
   * {@code format-v1.recur} was written by the format-1 writer (before stacked models) from
   * {@code Parameters.initialize} of the config below, with a labels entry. Every later version
   * must read it as that one-layer model, weight for weight.
   */
  @Test
  void aFileOfFormatVersionOneStillLoads() throws Exception {
    Path fixture = Path.of(ModelFileTest.class.getResource("format-v1.recur").toURI());
    ModelFile.SavedModel saved = ModelFile.loadModel(fixture);
    RnnConfig expected = RnnConfig.builder(4, 6, 3).activation(Activation.RELU)
        .output(OutputFunction.SOFTMAX).bias(Bias.PYTORCH_PAIR).seed(20261202L).build();
    assertEquals(expected, saved.weights().config());
    Parameters drawn = Parameters.initialize(expected);
    assertEquals(
        drawn.tensors().stream().map(t -> t.name()).toList(),
        saved.weights().tensors().stream().map(t -> t.name()).toList());
    for (int i = 0; i < drawn.tensors().size(); i++) {
      assertArrayEquals(drawn.tensors().get(i).values(), saved.weights().tensors().get(i).values());
    }
    assertEquals("neg\npos\nmixed", saved.metadata().get(ModelFile.LABELS));
  }

  /**
   * {@code format-v2.recur} was written by the format-2 writer (before precisions) from {@code
   * Parameters.initialize} of the config below, with a labels entry: it loads as fp32.
   */
  @Test
  void aFileOfFormatVersionTwoStillLoads() throws Exception {
    Path fixture = Path.of(ModelFileTest.class.getResource("format-v2.recur").toURI());
    ModelFile.SavedModel saved = ModelFile.loadModel(fixture);
    RnnConfig expected = RnnConfig.builder(5, 7, 3).layers(2).activation(Activation.TANH)
        .output(OutputFunction.SOFTMAX).bias(Bias.PYTORCH_PAIR).seed(20261202L).build();
    assertEquals(expected, saved.weights().config());
    assertEquals(Precision.FP32, saved.precision());
    Parameters drawn = Parameters.initialize(expected);
    for (int i = 0; i < drawn.tensors().size(); i++) {
      assertArrayEquals(drawn.tensors().get(i).values(), saved.weights().tensors().get(i).values());
    }
    assertEquals("a\nb\nc", saved.metadata().get(ModelFile.LABELS));
  }

  /**
   * A bf16 or int8 file holds the matrices in that precision (2 or 1 byte per weight and a scale
   * per row), loads as the values they stand for, and freezing those in the same precision gives
   * a model that steps with exactly the bits of the model that was saved.
   */
  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
  void aReducedPrecisionFileServesExactlyTheSavedWeights(Precision precision) throws IOException {
    Parameters original = Parameters.initialize(RnnConfig.builder(6, 33, 4).layers(2)
        .embedding(0).bias(Bias.PYTORCH_PAIR).seed(8).build());
    Path fp32 = dir.resolve("fp32.recur");
    Path reduced = dir.resolve("reduced.recur");
    ModelFile.save(fp32, new ModelFile.SavedModel(original, java.util.Map.of("k", "v")));
    ModelFile.save(reduced, new ModelFile.SavedModel(original, java.util.Map.of("k", "v"), precision));
    ModelFile.SavedModel loaded = ModelFile.loadModel(reduced);
    assertEquals(precision, loaded.precision());
    assertEquals("v", loaded.metadata().get("k"));
    // the matrices' bytes shrink to a half (bf16) or a quarter plus a scale per row (int8)
    long matrixEntries = 33L * 6 + 33 * 33 + 33L * 33 + 33 * 33 + 4 * 33;
    long rows = 33 * 4 + 4;
    long saved = precision == Precision.BF16 ? 2 * matrixEntries : matrixEntries + 4 * rows;
    assertEquals(Files.size(fp32) - 4 * matrixEntries + saved, Files.size(reduced));

    InferenceModel served = new InferenceModel(original, KernelSelection.kernels(), precision);
    InferenceModel reloaded =
        new InferenceModel(loaded.weights(), KernelSelection.kernels(), precision);
    for (int i = 0; i < original.tensors().size(); i++) {
      assertArrayEquals(served.weights().tensors().get(i).values(),
          reloaded.weights().tensors().get(i).values(), original.tensors().get(i).name());
    }
    RnnStream a = served.newStream();
    RnnStream b = reloaded.newStream();
    java.util.Random random = new java.util.Random(3);
    for (int t = 0; t < 20; t++) {
      float[] x = new float[6];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      assertArrayEquals(a.step(x).clone(), b.step(x), "step " + t);
    }
  }

  @ParameterizedTest
  @EnumSource(Bias.class)
  void roundTripKeepsEveryBitAndTheConfig(Bias bias) throws IOException {
    Parameters original = model(bias);
    Path file = dir.resolve("model.recur");
    ModelFile.save(file, original);
    Parameters loaded = ModelFile.load(file);
    assertEquals(original.config(), loaded.config());
    for (int i = 0; i < original.tensors().size(); i++) {
      assertArrayEquals(original.tensors().get(i).values(), loaded.tensors().get(i).values());
    }
  }

  @Test
  void metadataTravelsWithTheModel() throws IOException {
    Path file = dir.resolve("chars.recur");
    ModelFile.save(file, new ModelFile.SavedModel(model(Bias.SINGLE),
        java.util.Map.of(ModelFile.VOCABULARY, " abcé🙂\n", "note", "")));
    ModelFile.SavedModel loaded = ModelFile.loadModel(file);
    assertEquals(java.util.Map.of(ModelFile.VOCABULARY, " abcé🙂\n", "note", ""), loaded.metadata());
    assertEquals(Bias.SINGLE, loaded.weights().config().bias());
  }

  @Test
  void aFailedWriteLeavesThePreviousFileWholeAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.recur");
    ModelFile.save(file, model(Bias.SINGLE));
    byte[] before = Files.readAllBytes(file);

    IOException crash =
        assertThrows(IOException.class, () -> AtomicFile.write(file,
            ModelFile.encode(model(Bias.PYTORCH_PAIR)),
            (channel, bytes) -> {
              bytes.limit(bytes.position() + bytes.remaining() / 2);
              channel.write(bytes); // half the file reaches the disk, then the "crash"
              throw new IOException("disk unplugged");
            }));
    assertEquals("disk unplugged", crash.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(Bias.SINGLE, ModelFile.load(file).config().bias());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void refusesToWriteNonFiniteWeights() {
    Parameters p = model(Bias.NONE);
    p.recurrentWeights()[4] = Float.POSITIVE_INFINITY;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelFile.save(dir.resolve("m"), p));
    assertEquals("W_h[4] is Infinity; refusing to write a model no one can load", e.getMessage());
  }

  @Test
  void eachKindOfBadFileIsNamed() throws IOException {
    byte[] good = ModelFile.encode(model(Bias.SINGLE)).array();

    assertRejected(Arrays.copyOf(good, 10), "truncated: 10 bytes, a model file has at least 16");
    byte[] magic = good.clone();
    magic[0] = 'R';
    assertRejected(magic, "not a recur model file (wrong magic bytes)");
    assertRejected(withChecksum(withInt(good, 8, 4)), "format version 4 is newer than this recur reads (3)");
    assertRejected(withChecksum(withInt(good, 8, 0)), "format version 0 is not one recur ever wrote");
    byte[] flipped = good.clone();
    flipped[100] ^= 0x10;
    assertRejected(flipped, "checksum mismatch: the file is corrupted or truncated");
    assertRejected(Arrays.copyOf(good, good.length - 9), "checksum mismatch: the file is corrupted or truncated");
    // hidden size 40000: a 6 GB model claimed by a 1 KB file, refused before any allocation
    long claimed = 4L * (40_000L * 5 + 40_000L * 40_000 + 3 * 40_000L + 40_000 + 3);
    int afterTensorCount = firstWeightOffset(good) - (2 + "W_x".length() + 8);
    assertRejected(
        withChecksum(withInt(good, 16, 40_000)),
        "truncated: the configuration needs " + claimed + " bytes of weights, "
            + (good.length - 4 - afterTensorCount) + " remain");
    assertRejected(withChecksum(withInt(good, 12, 0)), "invalid configuration: inputSize must be between 1 and 65536; got 0");

    byte[] nan = good.clone();
    int firstWeight = firstWeightOffset(good);
    ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(firstWeight, Float.NaN);
    assertRejected(withChecksum(nan), "weight W_x[0] is NaN");

    int layers = firstWeightOffset(good) - (2 + "W_x".length() + 8) - 4 - 1 - 13;
    assertRejected(withChecksum(withInt(good, layers, 3)),
        "5 tensors, the configuration (3 layers, head with bias, layer bias SINGLE) has 11");
    byte[] unknownBit = good.clone();
    unknownBit[layers + 4] |= 8;
    assertRejected(withChecksum(unknownBit), "unknown structure bits 0xe");
    byte[] unknownPrecision = good.clone();
    unknownPrecision[layers + 13] = 3;
    assertRejected(withChecksum(unknownPrecision),
        "unknown precision code 3 (this recur reads 0 to 2: [FP32, BF16, INT8])");
    byte[] noHead = good.clone();
    noHead[layers + 4] = 0;
    assertRejected(withChecksum(noHead), "invalid configuration: without a head the outputs are the "
        + "top layer's states: outputSize must be hiddenSize = 11; got 3");
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    System.arraycopy(good, good.length - 4, longer, longer.length - 4, 4);
    assertRejected(withChecksum(longer), "3 unexpected bytes after the metadata");
  }

  private void assertRejected(byte[] bytes, String problem) throws IOException {
    Path file = dir.resolve("bad.recur");
    Files.write(file, bytes);
    InvalidModelFileException e =
        assertThrows(InvalidModelFileException.class, () -> ModelFile.load(file));
    assertEquals(file + ": " + problem, e.getMessage());
  }

  /** Offset of W_x's first value: header, config strings, count, name "W_x", rows, cols. */
  private static int firstWeightOffset(byte[] file) {
    int offset = 8 + 4 + 12;
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    for (int s = 0; s < 4; s++) {
      offset += 2 + Short.toUnsignedInt(in.getShort(offset));
    }
    offset += 4 + 8; // identityScale, seed
    offset += 4 + 1 + 4 + 4 + 1; // layers, structure, embedding size, dropout, precision
    offset += 4; // tensor count
    offset += 2 + Short.toUnsignedInt(in.getShort(offset)) + 8;
    return offset;
  }

  static byte[] withInt(byte[] bytes, int offset, int value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
    return copy;
  }

  /** Recomputes the trailing CRC32C, so a change reaches the parser instead of the checksum. */
  static byte[] withChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }
}
