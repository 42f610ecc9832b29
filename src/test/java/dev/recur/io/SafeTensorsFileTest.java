package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Bias;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a safetensors file must be for recur to load it: only tensors recur reads (or ones the
 * caller ignores by name), byte ranges that cover the data exactly, a header without repeated
 * keys; and that loading costs memory in proportion to the header and the model, not the file.
 */
class SafeTensorsFileTest {

  /** I=3, H=5, O=2 with both biases: W_x 0..60, W_h ..160, b_ih ..180, b_hh ..200, W_y ..240, b_y ..248. */
  private static final Parameters MODEL =
      Parameters.initialize(RnnConfig.builder(3, 5, 2).bias(Bias.PYTORCH_PAIR).seed(4).build());
  private static final String USED = "[rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0,"
      + " rnn.bias_hh_l0, head.weight, head.bias]";
  private static final long GIB = 1L << 30;
  /** Allocation allowed per load beyond a multiple of the bytes written: buffers, messages. */
  private static final long CONSTANT_BYTES = 1 << 20;

  @TempDir Path dir;
  private Path file;
  private byte[] good;

  @BeforeEach
  void writeTheModel() throws IOException {
    file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, MODEL, PyTorchNames.rnnAndHead());
    good = Files.readAllBytes(file);
  }

  @ParameterizedTest
  @ValueSource(strings = {"_l1", "_l0_reverse"})
  void tensorsOfMoreLayersOrDirectionsAreReadAsThoseLayersNotIgnored(String suffix)
      throws IOException {
    byte[] twoLayers = good;
    for (String name : new String[] {"weight_ih", "weight_hh"}) {
      twoLayers = SafeTensorsBytes.withTensor(twoLayers, "rnn." + name + suffix, "F32", 5, 5);
    }
    for (String name : new String[] {"bias_ih", "bias_hh"}) {
      twoLayers = SafeTensorsBytes.withTensor(twoLayers, "rnn." + name + suffix, "F32", 5);
    }
    // as PyTorch writes it, without recur's metadata
    String pytorchHeader = SafeTensorsBytes.header(twoLayers).replaceFirst("\"__metadata__\":\\{[^}]*\\},", "");
    assertFalse(pytorchHeader.contains("__metadata__"), pytorchHeader);
    if (suffix.equals("_l1")) { // a second layer of H × H inputs: a model of two layers
      Files.write(file, twoLayers);
      Parameters loaded = read(Set.of());
      assertEquals(2, loaded.config().layers());
      assertArrayEquals(MODEL.inputWeights(), loaded.layer(0, 0).inputWeights());
      assertArrayEquals(new float[25], loaded.layer(1, 0).inputWeights());
    } else { // the reverse direction of layer 0 reads the 3 inputs, not 5
      String problem = "rnn.weight_ih_l0_reverse has shape [5, 5], expected [5, 3]: both directions"
          + " of layer 0 read the inputs, as rnn.weight_ih_l0 does";
      assertRefused(twoLayers, Set.of(), problem);
      assertRefused(SafeTensorsBytes.of(pytorchHeader, SafeTensorsBytes.data(twoLayers)), Set.of(), problem);
    }
  }

  @Test
  void tensorsOfOtherModulesAreRefusedUnlessIgnoredByName() throws IOException {
    byte[] withEncoder = SafeTensorsBytes.withTensor(good, "encoder.weight", "F32", 4, 3);
    byte[] withBatchNorm = SafeTensorsBytes.withTensor(withEncoder, "bn.num_batches_tracked", "I64");
    assertRefused(withBatchNorm, Set.of(), "has tensors recur does not read: [encoder.weight,"
        + " bn.num_batches_tracked]; recur reads only " + USED
        + ", so name the others as ignored tensors if the model does not need them");
    assertRefused(withBatchNorm, Set.of("encoder.weight"), "has tensors recur does not read:"
        + " [bn.num_batches_tracked]; recur reads only " + USED
        + ", so name the others as ignored tensors if the model does not need them");

    Files.write(file, withBatchNorm);
    assertSameWeights(read(Set.of("encoder.weight", "bn.num_batches_tracked")));
  }

  @Test
  void aTensorRecurReadsCannotBeIgnored() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read(Set.of("rnn.bias_hh_l0")));
    assertEquals("rnn.bias_hh_l0 is a tensor recur reads; it cannot be ignored", e.getMessage());
  }

  @Test
  void overlappingTensorsAreRefused() throws IOException {
    String header = SafeTensorsBytes.header(good).replace("[240,248]", "[232,240]");
    byte[] data = Arrays.copyOf(SafeTensorsBytes.data(good), 240);
    assertRefused(SafeTensorsBytes.of(header, data), Set.of(),
        "head.bias (data_offsets 232..240) overlaps head.weight (data_offsets 200..240)");
  }

  @Test
  void holesAndBytesAfterTheLastTensorAreRefused() throws IOException {
    String header = SafeTensorsBytes.header(good).replace("[240,248]", "[244,252]");
    byte[] data = Arrays.copyOf(SafeTensorsBytes.data(good), 252);
    assertRefused(SafeTensorsBytes.of(header, data), Set.of(),
        "data bytes 240..244 belong to no tensor (a hole between head.weight and head.bias)");

    assertRefused(Arrays.copyOf(good, good.length + 4), Set.of(), "data bytes 248..252 belong to no"
        + " tensor: the tensors end at data byte 248, the file holds 252 data bytes after the header");
  }

  @Test
  void tensorsMayLieInAnyOrderThatCoversTheData() throws IOException {
    String header = SafeTensorsBytes.header(good)
        .replace("[160,180]", "[x,y]").replace("[180,200]", "[160,180]").replace("[x,y]", "[180,200]");
    byte[] data = SafeTensorsBytes.data(good);
    byte[] biasIh = Arrays.copyOfRange(data, 160, 180);
    System.arraycopy(data, 180, data, 160, 20);
    System.arraycopy(biasIh, 0, data, 180, 20);
    Files.write(file, SafeTensorsBytes.of(header, data));
    assertSameWeights(read(Set.of()));
  }

  @Test
  void aKeyRepeatedAfterANullIsRefused() throws IOException {
    String header = SafeTensorsBytes.header(good);
    byte[] data = SafeTensorsBytes.data(good);
    assertRefused(SafeTensorsBytes.of(header.replaceFirst("\\{", "{\"__metadata__\":null,"), data),
        Set.of(), "header has the key __metadata__ twice");
    assertRefused(SafeTensorsBytes.of(header.replace("\"head.bias\":", "\"head.bias\":null,\"head.bias\":"), data),
        Set.of(), "entry 'head.bias' is not an object");
    assertRefused(
        SafeTensorsBytes.of(header.replace("\"recur.activation\":", "\"recur.activation\":null,\"recur.activation\":"), data),
        Set.of(), "__metadata__ 'recur.activation' is not a string");
    assertRefused(
        SafeTensorsBytes.of(header.replace("\"format\":\"pt\"", "\"format\":\"pt\",\"format\":\"pt\""), data),
        Set.of(), "__metadata__ has the key 'format' twice");
  }

  /** PyTorch spells its nonlinearities in lower case; anything else is refused with the choices. */
  @Test
  void metadataNamesTheActivationInEitherCaseOrIsRefusedWithTheChoices() throws IOException {
    String header = SafeTensorsBytes.header(good);
    byte[] data = SafeTensorsBytes.data(good);
    String activation = header.replaceAll(".*\"recur.activation\":\"([A-Z]+)\".*", "$1");
    Files.write(file, SafeTensorsBytes.of(header.replace("\"recur.activation\":\"" + activation,
        "\"recur.activation\":\"" + activation.toLowerCase(java.util.Locale.ROOT)), data));
    assertSameWeights(read(Set.of()));
    assertRefused(SafeTensorsBytes.of(header.replace("\"recur.activation\":\"" + activation,
        "\"recur.activation\":\"gelu"), data), Set.of(),
        "unknown Activation 'gelu' in 'recur.activation'; it is one of [TANH, SIGMOID, RELU]");
  }

  @Test
  void aHeaderOfMillionsOfNumbersCostsASmallMultipleOfItsSize() throws IOException {
    int dimensions = 4_000_000; // an 8 MB shape of ones: a regular expression per number took 2.8 GB
    long[] ones = new long[dimensions];
    Arrays.fill(ones, 1);
    byte[] data = SafeTensorsBytes.data(good);
    String header = SafeTensorsBytes.withEntry(
        SafeTensorsBytes.header(good), "numbers", "F32", ones, data.length, data.length + 4);
    byte[] bytes = SafeTensorsBytes.of(header, Arrays.copyOf(data, data.length + 4));
    Files.write(file, bytes);

    long before = ThreadAllocation.bytes();
    Parameters loaded = read(Set.of("numbers"));
    long allocated = ThreadAllocation.bytes() - before;
    assertSameWeights(loaded);
    // the header's bytes once; the numbers themselves cost nothing
    assertTrue(allocated < bytes.length + CONSTANT_BYTES,
        allocated + " bytes allocated to read a file of " + bytes.length);
  }

  @Test
  void aHeaderOfManyTensorsCostsASmallMultipleOfItsSize() throws IOException {
    StringBuilder header = new StringBuilder(SafeTensorsBytes.header(good).strip());
    header.setLength(header.length() - 1);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 100_000; i++) { // empty tensors, all at the end of the data
      names.add("t" + i);
      header.append(",\"t").append(i).append("\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[248,248]}");
    }
    byte[] bytes = SafeTensorsBytes.of(header.append('}').toString(), SafeTensorsBytes.data(good));
    Files.write(file, bytes);

    long before = ThreadAllocation.bytes();
    Parameters loaded = read(names);
    long allocated = ThreadAllocation.bytes() - before;
    assertSameWeights(loaded);
    assertTrue(allocated < 6L * bytes.length + CONSTANT_BYTES,
        allocated + " bytes allocated to read a file of " + bytes.length);

    before = ThreadAllocation.bytes();
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> read(Set.of()));
    allocated = ThreadAllocation.bytes() - before;
    assertTrue(allocated < 6L * bytes.length + CONSTANT_BYTES,
        allocated + " bytes allocated to refuse a file of " + bytes.length);
    assertEquals(file + ": has tensors recur does not read: [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9]"
        + " and 99990 more; recur reads only " + USED
        + ", so name the others as ignored tensors if the model does not need them", e.getMessage());
  }

  @Test
  void malformedNumbersAndStringsAreRefusedWithTheirOffset() throws IOException {
    String header = SafeTensorsBytes.header(good);
    byte[] data = SafeTensorsBytes.data(good);
    int shape = header.indexOf("[5,3]") + 1;
    assertRefused(SafeTensorsBytes.of(header.replace("[5,3]", "[05,3]"), data), Set.of(),
        "rnn.weight_ih_l0 has a bad shape: JSON at offset " + (shape + 2) + ": JSON numbers have no leading zeros");
    assertRefused(SafeTensorsBytes.of(header.replace("[5,3]", "[-5,3]"), data), Set.of(),
        "rnn.weight_ih_l0 has a bad shape: JSON at offset " + shape + ": a non-negative integer was expected");
    assertRefused(SafeTensorsBytes.of(header.replace("[5,3]", "[5.0,3]"), data), Set.of(),
        "rnn.weight_ih_l0 has a bad shape: JSON at offset " + (shape + 1) + ": a non-negative integer was expected");

    byte[] notUtf8 = SafeTensorsBytes.of(header.replace("head.bias", "head.bi\u00e9s"), data);
    int e = 8 + header.indexOf("head.bias") + 7; // é is two bytes; make the first one stand alone
    assertEquals((byte) 0xc3, notUtf8[e]);
    notUtf8[e + 1] = 'x';
    assertRefused(notUtf8, Set.of(), "bad header: JSON at offset " + header.indexOf("head.bias")
        + ": a string that is not UTF-8");
  }

  @Test
  void aShapeOfManyDimensionsIsNamedByItsFirst() throws IOException {
    String header = SafeTensorsBytes.header(good).replace("[5,3]", "[5,3,1,1,1,1,1,1,1,1]");
    assertRefused(SafeTensorsBytes.of(header, SafeTensorsBytes.data(good)), Set.of(), "rnn.weight_ih_l0 has"
        + " shape [5, 3, 1, 1, 1, 1, 1, 1, ... 2 more], expected [any, any] of at most 65536");
  }

  @Test
  void aHeaderOverTheLimitIsRefusedBeforeItIsRead() throws IOException {
    long length = SafeTensorsHeader.MAX_HEADER_BYTES + 1;
    byte[] start = SafeTensorsBytes.of("{}", new byte[0]);
    java.nio.ByteBuffer.wrap(start).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, length);
    SafeTensorsBytes.writeSparse(file, start, 8 + length);
    long before = ThreadAllocation.bytes();
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> read(Set.of()));
    assertTrue(ThreadAllocation.bytes() - before < CONSTANT_BYTES, "nothing read");
    assertEquals(file + ": header length " + length + " is over recur's limit of "
        + SafeTensorsHeader.MAX_HEADER_BYTES + " bytes for a header", e.getMessage());
  }

  @Test
  void aSparseFileOfSeveralGiBLoadsWhenTheModelFits() throws IOException {
    long big = 3 * GIB;
    byte[] data = SafeTensorsBytes.data(good);
    String header = SafeTensorsBytes.withEntry(
        SafeTensorsBytes.header(good), "big", "U8", new long[] {big}, data.length, data.length + big);
    byte[] written = SafeTensorsBytes.of(header, data);
    SafeTensorsBytes.writeSparse(file, written, written.length + big);

    long before = ThreadAllocation.bytes();
    Parameters loaded = read(Set.of("big"));
    long allocated = ThreadAllocation.bytes() - before;
    assertSameWeights(loaded);
    assertTrue(allocated < 6L * written.length + CONSTANT_BYTES,
        allocated + " bytes allocated for a model of " + written.length + " bytes in a file of " + Files.size(file));
  }

  @Test
  void aSparseFileLongerThanItsTensorsIsRefused() throws IOException {
    SafeTensorsBytes.writeSparse(file, good, good.length + 3 * GIB);
    assertRefused("data bytes 248.." + (248 + 3 * GIB) + " belong to no tensor: the tensors end at"
        + " data byte 248, the file holds " + (248 + 3 * GIB) + " data bytes after the header");
  }

  @Test
  void aTensorLargerThanTheFileIsRefused() throws IOException {
    long big = 8 * GIB;
    byte[] data = SafeTensorsBytes.data(good);
    String header = SafeTensorsBytes.withEntry(
        SafeTensorsBytes.header(good), "big", "U8", new long[] {big}, 248, 248 + big);
    byte[] written = SafeTensorsBytes.of(header, data);
    SafeTensorsBytes.writeSparse(file, written, written.length + 3 * GIB);
    assertRefused("big: data_offsets 248.." + (248 + big) + " do not hold " + big
        + " values of U8 within " + (248 + 3 * GIB) + " data bytes");
  }

  @Test
  void aModelLargerThanTheHeapIsRefusedBeforeItIsAllocated() throws IOException {
    long heap = Runtime.getRuntime().maxMemory();
    // the smallest W_h over a third of the heap (the weights, their derived layout, the reading),
    // unless that is more than RnnConfig allows in one tensor
    int hidden = (int) Math.min(46_341, (long) Math.sqrt(heap / 3 / 4.0) + 1);
    long wx = 4L * hidden;
    long wh = 4L * hidden * hidden;
    String header = "{\"__metadata__\":{\"recur.activation\":\"TANH\",\"recur.output\":\"IDENTITY\"},"
        + "\"rnn.weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[" + hidden + ",1],\"data_offsets\":[0," + wx + "]},"
        + "\"rnn.weight_hh_l0\":{\"dtype\":\"F32\",\"shape\":[" + hidden + "," + hidden
        + "],\"data_offsets\":[" + wx + "," + (wx + wh) + "]},"
        + "\"head.weight\":{\"dtype\":\"F32\",\"shape\":[1," + hidden + "],\"data_offsets\":["
        + (wx + wh) + "," + (2 * wx + wh) + "]}}";
    byte[] written = SafeTensorsBytes.of(header, new byte[0]);
    SafeTensorsBytes.writeSparse(file, written, written.length + 2 * wx + wh);

    long before = ThreadAllocation.bytes();
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> read(Set.of()));
    assertTrue(ThreadAllocation.bytes() - before < CONSTANT_BYTES, "nothing allocated for the weights");
    String expected = hidden == 46_341
        ? "invalid configuration: "
        : "its weights need " + FileBytes.describe(2 * wx + wh + 4L * (2 * hidden + 1))
            + "; loading and using them takes about three times that, more than this JVM may use ("
            + FileBytes.describe(heap) + ", -Xmx)";
    assertTrue(e.getMessage().startsWith(file + ": " + expected), e.getMessage());
  }

  @Test
  void namesWithQuotesBackslashesControlsAndNonAsciiAreWrittenAsJsonAndReadBack() throws IOException {
    PyTorchNames names = new PyTorchNames("rnn\"\\\tλ.", "tête.", true);
    SafeTensorsFile.write(file, MODEL, names);
    byte[] written = Files.readAllBytes(file);
    assertEquals(0, java.nio.ByteBuffer.wrap(written).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() % 8,
        "the data starts 8-byte aligned");
    assertSameWeights(SafeTensorsFile.read(file, names, null, null, true));
  }

  private Parameters read(Set<String> ignored) throws IOException {
    return SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null, true, ignored);
  }

  private void assertRefused(byte[] bytes, Set<String> ignored, String problem) throws IOException {
    Files.write(file, bytes);
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> read(ignored));
    assertEquals(file + ": " + problem, e.getMessage());
  }

  private void assertRefused(String problem) {
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class, () -> read(Set.of()));
    assertEquals(file + ": " + problem, e.getMessage());
  }

  private static void assertSameWeights(Parameters loaded) {
    assertEquals(MODEL.config().bias(), loaded.config().bias());
    for (int i = 0; i < MODEL.tensors().size(); i++) {
      assertArrayEquals(MODEL.tensors().get(i).values(), loaded.tensors().get(i).values(),
          MODEL.tensors().get(i).name());
    }
  }
}
