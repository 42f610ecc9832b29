package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.AllocationProbe;
import dev.recur.Bias;
import dev.recur.Engine;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stream-state snapshots ({@link StreamSnapshot}): a restored stream or batch row continues with
 * the bits of one that never stopped; every bad snapshot (another model, another shape, cut
 * short, a changed byte, a newer version, NaN) is refused with its own message and leaves the
 * state as it was; writing and reading into a given buffer allocate nothing.
 */
class StreamSnapshotTest {

  /** One layer, dense inputs, H = 13 (not a multiple of any vector width). */
  private static final RnnConfig ONE = RnnConfig.builder(5, 13, 4)
      .output(OutputFunction.SOFTMAX).seed(7).build();

  /** Three layers over an embedding, paired biases: the serving path with the most parts. */
  private static final RnnConfig STACK = RnnConfig.builder(9, 13, 4).layers(3).embedding(6)
      .bias(Bias.PYTORCH_PAIR).output(OutputFunction.SOFTMAX).seed(11).build();

  private static final int BEFORE = 7;
  private static final int AFTER = 9;

  private static RnnConfig config(int layers) {
    return layers == 1 ? ONE : STACK;
  }

  /** One step of a stream: a token for an embedded model, else a dense vector drawn from t. */
  private static float[] step(RnnStream stream, int t) {
    RnnConfig config = stream.model().config();
    return config.hasEmbedding() ? stream.step(t * 5 % config.inputSize())
        : stream.step(RnnStreamTest.gaussian(new Random(t), config.inputSize()));
  }

  /** One step of a batch, row b getting what {@link #step(RnnStream, int)} gives at t + b. */
  private static float[] step(StreamBatch batch, RnnConfig config, int t) {
    int rows = batch.size();
    if (config.hasEmbedding()) {
      int[] tokens = new int[rows];
      Arrays.setAll(tokens, b -> (t + b) * 5 % config.inputSize());
      return batch.step(tokens);
    }
    int in = config.inputSize();
    float[] x = new float[rows * in];
    for (int b = 0; b < rows; b++) {
      System.arraycopy(RnnStreamTest.gaussian(new Random(t + b), in), 0, x, b * in, in);
    }
    return batch.step(x);
  }

  private static float[] state(RnnStream stream) {
    float[] h = new float[stream.model().stateSize()];
    stream.copyHidden(h);
    return h;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void aRestoredStreamContinuesWithTheBitsOfOneThatNeverStopped(int layers) {
    Parameters weights = Parameters.initialize(config(layers));
    InferenceModel model = new InferenceModel(weights);
    RnnStream running = model.newStream();
    for (int t = 0; t < BEFORE; t++) {
      step(running, t);
    }
    byte[] buffer = new byte[3 + model.snapshotSize() + 5];
    assertEquals(32 + 4 * layers * 13, model.snapshotSize());
    assertEquals(model.snapshotSize(), running.snapshot(buffer, 3));

    // Restored elsewhere: another instance of the same model (another process, say).
    InferenceModel elsewhere = new InferenceModel(weights);
    RnnStream restored = elsewhere.newStream();
    step(restored, 100); // a state of its own, overwritten
    restored.restore(buffer, 3, model.snapshotSize());
    assertArrayEquals(state(running), state(restored));
    for (int t = BEFORE; t < BEFORE + AFTER; t++) {
      float[] expected = step(running, t).clone();
      assertArrayEquals(expected, step(restored, t), "step " + t);
    }
    assertArrayEquals(state(running), state(restored));
    assertArrayEquals(running.snapshot(), restored.snapshot());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void aRestoredBatchRowContinuesWithTheBitsOfOneThatNeverStopped(int layers) {
    RnnConfig config = config(layers);
    InferenceModel model = new InferenceModel(Parameters.initialize(config));
    StreamBatch running = model.newBatch(3);
    for (int t = 0; t < BEFORE; t++) {
      step(running, config, t);
    }
    // Row 1 of the running batch moves to row 0 of another batch, and to a single stream.
    byte[] row = running.snapshot(1);
    StreamBatch moved = model.newBatch(2);
    step(moved, config, 50);
    float[] untouched = new float[model.stateSize()];
    moved.copyHidden(1, untouched);
    moved.restore(0, row);
    float[] other = new float[model.stateSize()];
    moved.copyHidden(1, other);
    assertArrayEquals(untouched, other, "restoring row 0 leaves row 1 alone");
    RnnStream single = model.newStream();
    single.restore(row);

    int out = config.outputSize();
    for (int t = BEFORE; t < BEFORE + AFTER; t++) {
      float[] expected = Arrays.copyOfRange(step(running, config, t), out, 2 * out);
      // moved's row 0 gets what running's row 1 gets: the inputs of t + 1
      assertArrayEquals(expected, Arrays.copyOf(step(moved, config, t + 1), out), "step " + t);
      assertArrayEquals(expected, step(single, t + 1), "single stream, step " + t);
    }
    byte[] bytes = new byte[model.snapshotSize()];
    moved.snapshot(0, bytes, 0);
    assertArrayEquals(running.snapshot(1), bytes);
    assertArrayEquals(single.snapshot(), bytes);
  }

  /** Asserts that restoring {@code bytes} fails with {@code message} and changes nothing. */
  private static void assertRefused(RnnStream stream, byte[] bytes, int length, String message) {
    float[] before = state(stream);
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> stream.restore(bytes, 0, length));
    assertEquals(message, e.getMessage());
    assertArrayEquals(before, state(stream), "the state after refusing: " + message);
  }

  /** A stream of {@code model} stepped {@value #BEFORE} times: a state worth keeping. */
  private static RnnStream stepped(InferenceModel model) {
    RnnStream stream = model.newStream();
    for (int t = 0; t < BEFORE; t++) {
      step(stream, t + 30);
    }
    return stream;
  }

  @Test
  void anotherModelsSnapshotIsRefused() {
    InferenceModel model = new InferenceModel(Parameters.initialize(STACK));
    InferenceModel other = new InferenceModel(Parameters.initialize(STACK.toBuilder().seed(12).build()));
    byte[] theirs = stepped(other).snapshot();
    assertRefused(stepped(model), theirs, theirs.length, String.format(
        "stream snapshot belongs to another model: its fingerprint is %016x, this model's is %016x",
        other.fingerprint(), model.fingerprint()));
  }

  @Test
  void aSnapshotOfAnotherShapeIsRefused() {
    InferenceModel one = new InferenceModel(Parameters.initialize(ONE));
    InferenceModel stack = new InferenceModel(Parameters.initialize(STACK));
    InferenceModel narrow = new InferenceModel(Parameters.initialize(
        RnnConfig.builder(5, 7, 4).output(OutputFunction.SOFTMAX).seed(7).build()));
    byte[] ofStack = stepped(stack).snapshot();
    assertRefused(stepped(one), ofStack, ofStack.length,
        "stream snapshot holds 3 layers of 13 hidden units; this model has 1 layer of 13 hidden units");
    byte[] ofOne = stepped(one).snapshot();
    assertRefused(stepped(narrow), ofOne, ofOne.length,
        "stream snapshot holds 1 layer of 13 hidden units; this model has 1 layer of 7 hidden units");
  }

  @Test
  void everyTruncationIsRefused() {
    InferenceModel model = new InferenceModel(Parameters.initialize(STACK));
    RnnStream stream = stepped(model);
    byte[] bytes = stepped(model).snapshot();
    int size = bytes.length;
    for (int n = 0; n < size; n++) {
      assertRefused(stream, bytes, n, n < 8
          ? "stream snapshot truncated: " + n + " bytes, fewer than the 8 of its magic and length"
          : "stream snapshot truncated: " + n + " of its " + size + " bytes");
    }
    byte[] longer = Arrays.copyOf(bytes, size + 1);
    assertRefused(stream, longer, size + 1,
        "stream snapshot is " + size + " bytes, but " + (size + 1) + " were given");
  }

  @Test
  void aChangedByteAnywhereIsRefused() {
    InferenceModel model = new InferenceModel(Parameters.initialize(STACK));
    RnnStream stream = stepped(model);
    byte[] bytes = stepped(model).snapshot();
    int size = bytes.length;
    for (int i = 0; i < size; i++) {
      byte[] changed = bytes.clone();
      changed[i] ^= (byte) (1 << (i % 8)); // one flipped bit, a different one byte to byte
      String message;
      if (i < 4) {
        message = "not a stream snapshot: it does not start with the magic bytes \"recS\"";
      } else if (i < 8) {
        long declared = Integer.toUnsignedLong(littleEndian(changed).getInt(4));
        message = declared > size
            ? "stream snapshot truncated: " + size + " of its " + declared + " bytes"
            : "stream snapshot is " + declared + " bytes, but " + size + " were given";
      } else {
        message = String.format(
            "stream snapshot corrupted: its checksum is %08x, its bytes give %08x",
            littleEndian(changed).getInt(size - 4), crc(changed, size - 4));
      }
      assertRefused(stream, changed, size, message);
    }
  }

  @Test
  void aSnapshotOfANewerVersionIsRefusedAsNewer() {
    InferenceModel model = new InferenceModel(Parameters.initialize(ONE));
    RnnStream stream = stepped(model);
    byte[] bytes = stepped(model).snapshot();
    littleEndian(bytes).putInt(8, 2);
    sealed(bytes);
    assertRefused(stream, bytes, bytes.length,
        "stream snapshot version 2 is newer than this recur reads (1)");
    littleEndian(bytes).putInt(8, 0);
    sealed(bytes);
    assertRefused(stream, bytes, bytes.length,
        "stream snapshot version 0 is not one recur ever wrote");
  }

  @Test
  void aNonFiniteStateIsRefusedEvenWithAMatchingChecksum() {
    InferenceModel model = new InferenceModel(Parameters.initialize(STACK));
    RnnStream stream = stepped(model);
    byte[] bytes = stepped(model).snapshot();
    littleEndian(bytes).putFloat(28 + 4 * (2 * 13 + 5), Float.NaN);
    sealed(bytes);
    assertRefused(stream, bytes, bytes.length,
        "stream snapshot holds a non-finite state: layer 2 h[5] is NaN");
    littleEndian(bytes).putFloat(28 + 4 * (2 * 13 + 5), 0.5f);
    littleEndian(bytes).putFloat(28, Float.NEGATIVE_INFINITY);
    sealed(bytes);
    assertRefused(stream, bytes, bytes.length,
        "stream snapshot holds a non-finite state: layer 0 h[0] is -Infinity");
  }

  @Test
  void aBatchRowRefusesAsAStreamDoesAndNoRowChanges() {
    InferenceModel model = new InferenceModel(Parameters.initialize(STACK));
    StreamBatch batch = model.newBatch(3);
    for (int t = 0; t < BEFORE; t++) {
      step(batch, STACK, t);
    }
    float[][] before = new float[3][model.stateSize()];
    for (int b = 0; b < 3; b++) {
      batch.copyHidden(b, before[b]);
    }
    byte[] bytes = batch.snapshot(0);
    bytes[40] ^= 1;
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> batch.restore(1, bytes));
    assertEquals(String.format("stream snapshot corrupted: its checksum is %08x, its bytes give %08x",
        littleEndian(bytes).getInt(bytes.length - 4), crc(bytes, bytes.length - 4)), e.getMessage());
    float[] after = new float[model.stateSize()];
    for (int b = 0; b < 3; b++) {
      batch.copyHidden(b, after);
      assertArrayEquals(before[b], after, "row " + b);
    }
  }

  @Test
  void badCallsSayWhatIsWrong() {
    InferenceModel model = new InferenceModel(Parameters.initialize(ONE));
    RnnStream stream = model.newStream();
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> stream.snapshot(new byte[80], 10));
    assertEquals("a snapshot needs 84 bytes; an array of 80 from offset 10 has 70",
        small.getMessage());
    byte[] bytes = stream.snapshot();
    assertThrows(IndexOutOfBoundsException.class, () -> stream.restore(bytes, 1, bytes.length));
    assertThrows(IndexOutOfBoundsException.class, () -> model.newBatch(2).restore(2, bytes));
    byte[] model64 = new byte[bytes.length];
    assertRefused(stream, model64, model64.length,
        "not a stream snapshot: it does not start with the magic bytes \"recS\"");
    stream.close();
    assertThrows(IllegalStateException.class, () -> stream.restore(bytes));
    assertThrows(IllegalStateException.class, stream::snapshot);
  }

  @Test
  void theFingerprintFollowsWhatTheModelComputes() {
    Parameters weights = Parameters.initialize(STACK);
    InferenceModel model = new InferenceModel(weights);
    assertEquals(model.fingerprint(), new InferenceModel(weights).fingerprint());
    // the frozen weights (paired biases summed into b_ih) freeze into the same model
    assertEquals(model.fingerprint(), new InferenceModel(model.weights()).fingerprint());
    // training-only settings do not enter it
    Parameters reseeded = Parameters.zeros(STACK.toBuilder().seed(99).dropout(0.5f).build());
    reseeded.copyFrom(weights);
    assertEquals(model.fingerprint(), new InferenceModel(reseeded).fingerprint());
    // one weight's last bit does
    Parameters nudged = weights.copy();
    float[] wy = nudged.outputWeights();
    wy[3] = Math.nextUp(wy[3]);
    assertNotEquals(model.fingerprint(), new InferenceModel(nudged).fingerprint());
  }

  @ParameterizedTest
  @ValueSource(strings = {"BF16", "INT8"})
  void aStateMovesBetweenThePrecisionsOfOneSetOfWeights(String name) {
    Parameters weights = Parameters.initialize(STACK);
    InferenceModel full = new InferenceModel(weights);
    InferenceModel reduced = new InferenceModel(weights, Engine.PREFERRED, Precision.valueOf(name));
    assertEquals(full.fingerprint(), reduced.fingerprint());
    RnnStream source = stepped(full);
    RnnStream moved = reduced.newStream();
    moved.restore(source.snapshot());
    assertArrayEquals(state(source), state(moved));
    // from there on the reduced model steps as from a state set by hand
    RnnStream byHand = reduced.newStream();
    byHand.setHidden(state(source));
    assertArrayEquals(step(byHand, AFTER), step(moved, AFTER));
  }

  @Test
  void snapshotAndRestoreIntoAGivenBufferAllocateNothing() {
    InferenceModel model = new InferenceModel(Parameters.initialize(STACK));
    RnnStream stream = stepped(model);
    StreamBatch batch = model.newBatch(3);
    byte[] buffer = new byte[model.snapshotSize() + 2];
    int size = model.snapshotSize();
    AllocationProbe.assertAllocatesNothing(500, () -> {
      stream.snapshot(buffer, 2);
      stream.restore(buffer, 2, size);
      batch.restore(1, buffer, 2, size);
      batch.snapshot(2, buffer, 2);
    }, "500 snapshots and restores");
  }

  private static ByteBuffer littleEndian(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  /** Puts the right checksum on bytes changed on purpose. */
  private static void sealed(byte[] bytes) {
    littleEndian(bytes).putInt(bytes.length - 4, crc(bytes, bytes.length - 4));
  }
}
