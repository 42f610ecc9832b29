package dev.recur.inference;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The bytes of one stream's state, as {@link RnnStream#snapshot} and {@link
 * StreamBatch#snapshot} write them and {@code restore} reads them back: every layer's h, bit for
 * bit, so a restored stream continues exactly as one that never stopped (on the same kernels).
 * Format version {@value #VERSION}, all numbers little-endian:
 *
 * <pre>
 * magic        4 bytes  "recS"
 * length       u32      the whole snapshot's bytes, checksum included: 32 + 4·L·H
 * version      u32      1
 * fingerprint  i64      {@link InferenceModel#fingerprint()} of the model that wrote it
 * layers       u32      L
 * hiddenSize   u32      H
 * state        L·H f32  layer l's h at l·H (as {@link RnnStream#copyHidden} lays it out)
 * checksum     u32      CRC32C of every byte before it
 * </pre>
 *
 * The magic, the length, the version after them and the checksum at the end are the envelope of
 * every version, so a reader checks them in that order before it reads anything that depends on
 * the version: a cut-off snapshot is called truncated, a flipped bit a checksum mismatch, a
 * well-formed snapshot of a later version is called newer. Then a version-1 reader checks the
 * shape and fingerprint against its model and that every value is finite; only then does it
 * touch the state, so a refused snapshot ({@link InvalidSnapshotException}) leaves the stream as
 * it was.
 *
 * <p>The fingerprint ties a snapshot to the weights, not to the kernels: a state written on the
 * vector kernels restores into the same model on the scalar ones (its next steps then differ in
 * the last bits, as the kernels do).
 */
public final class StreamSnapshot {

  /** The format version this recur writes, and the newest it reads. */
  public static final int VERSION = 1;

  /** "recS" read as a little-endian u32. */
  private static final int MAGIC = 'r' | 'e' << 8 | 'c' << 16 | 'S' << 24;
  private static final int LENGTH_AT = 4;
  private static final int VERSION_AT = 8;
  private static final int FINGERPRINT_AT = 12;
  private static final int LAYERS_AT = 20;
  private static final int HIDDEN_AT = 24;
  private static final int STATE_AT = 28;
  private static final int CHECKSUM_BYTES = 4;
  /** Magic and length: what a reader needs before it can say anything but "truncated". */
  private static final int START = 8;
  /** Magic, length, version and checksum: the smallest thing any version could be. */
  private static final int ENVELOPE = 16;

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final InferenceModel model;
  private final int layers;
  private final int hiddenSize;
  private final int size;
  /** Reused by every call, so neither writing nor reading allocates (CRC32C has no other state). */
  private final CRC32C crc = new CRC32C();

  /** The codec of one stream (or batch) of {@code model}: not thread-safe, as its owner is not. */
  StreamSnapshot(InferenceModel model) {
    this.model = model;
    layers = model.config().layers();
    hiddenSize = model.config().hiddenSize();
    size = sizeOf(model);
  }

  /** The bytes of a snapshot of one stream of {@code model}: 32 + 4·L·H. */
  static int sizeOf(InferenceModel model) {
    return STATE_AT + Float.BYTES * model.stateSize() + CHECKSUM_BYTES;
  }

  /**
   * Writes the state whose layer l starts at {@code hidden[first + l·layerStride]} (H values) as
   * a snapshot into {@code into} from {@code offset}; returns the bytes written. Allocates
   * nothing.
   */
  int write(float[] hidden, int first, int layerStride, byte[] into, int offset) {
    Objects.requireNonNull(into, "into");
    if (offset < 0 || offset > into.length || into.length - offset < size) {
      throw new IllegalArgumentException("a snapshot needs " + size + " bytes; an array of "
          + into.length + " from offset " + offset + " has " + Math.max(0, into.length - offset));
    }
    INT.set(into, offset, MAGIC);
    INT.set(into, offset + LENGTH_AT, size);
    INT.set(into, offset + VERSION_AT, VERSION);
    LONG.set(into, offset + FINGERPRINT_AT, model.fingerprint());
    INT.set(into, offset + LAYERS_AT, layers);
    INT.set(into, offset + HIDDEN_AT, hiddenSize);
    int at = offset + STATE_AT;
    for (int l = 0; l < layers; l++) {
      int from = first + l * layerStride;
      for (int i = 0; i < hiddenSize; i++, at += Float.BYTES) {
        INT.set(into, at, Float.floatToRawIntBits(hidden[from + i]));
      }
    }
    crc.reset();
    crc.update(into, offset, at - offset);
    INT.set(into, at, (int) crc.getValue());
    return size;
  }

  /**
   * Checks the snapshot in {@code from[offset, offset + length)} completely, then copies its
   * state into {@code hidden} (layer l at {@code first + l·layerStride}). Throws {@link
   * InvalidSnapshotException} before touching {@code hidden} if anything is wrong. Allocates
   * nothing when the snapshot is valid.
   */
  void read(byte[] from, int offset, int length, float[] hidden, int first, int layerStride) {
    check(from, offset, length);
    int at = offset + STATE_AT;
    for (int l = 0; l < layers; l++) {
      int to = first + l * layerStride;
      for (int i = 0; i < hiddenSize; i++, at += Float.BYTES) {
        hidden[to + i] = Float.intBitsToFloat((int) INT.get(from, at));
      }
    }
  }

  private void check(byte[] from, int offset, int length) {
    Objects.requireNonNull(from, "from");
    Objects.checkFromIndexSize(offset, length, from.length);
    if (length < START) {
      throw new InvalidSnapshotException("stream snapshot truncated: " + length
          + " bytes, fewer than the " + START + " of its magic and length");
    }
    if ((int) INT.get(from, offset) != MAGIC) {
      throw new InvalidSnapshotException(
          "not a stream snapshot: it does not start with the magic bytes \"recS\"");
    }
    long declared = Integer.toUnsignedLong((int) INT.get(from, offset + LENGTH_AT));
    if (declared > length) {
      throw new InvalidSnapshotException(
          "stream snapshot truncated: " + length + " of its " + declared + " bytes");
    }
    if (declared < length) {
      throw new InvalidSnapshotException(
          "stream snapshot is " + declared + " bytes, but " + length + " were given");
    }
    if (length < ENVELOPE) {
      throw new InvalidSnapshotException("stream snapshot corrupted: it says it is " + length
          + " bytes, fewer than the " + ENVELOPE + " of magic, length, version and checksum");
    }
    int end = offset + length - CHECKSUM_BYTES;
    crc.reset();
    crc.update(from, offset, end - offset);
    int stored = (int) INT.get(from, end);
    int computed = (int) crc.getValue();
    if (stored != computed) {
      throw new InvalidSnapshotException(String.format(
          "stream snapshot corrupted: its checksum is %08x, its bytes give %08x", stored, computed));
    }
    int version = (int) INT.get(from, offset + VERSION_AT);
    if (version != VERSION) {
      throw new InvalidSnapshotException(Integer.compareUnsigned(version, VERSION) > 0
          ? "stream snapshot version " + Integer.toUnsignedString(version)
              + " is newer than this recur reads (" + VERSION + ")"
          : "stream snapshot version " + version + " is not one recur ever wrote");
    }
    long theirLayers = Integer.toUnsignedLong((int) INT.get(from, offset + LAYERS_AT));
    long theirHidden = Integer.toUnsignedLong((int) INT.get(from, offset + HIDDEN_AT));
    long expected = STATE_AT + Float.BYTES * theirLayers * theirHidden + CHECKSUM_BYTES;
    if (expected != length) {
      throw new InvalidSnapshotException("stream snapshot corrupted: a state of " + theirLayers
          + " × " + theirHidden + " takes " + expected + " bytes, not " + length);
    }
    if (theirLayers != layers || theirHidden != hiddenSize) {
      throw new InvalidSnapshotException("stream snapshot holds " + shape(theirLayers, theirHidden)
          + "; this model has " + shape(layers, hiddenSize));
    }
    long theirs = (long) LONG.get(from, offset + FINGERPRINT_AT);
    if (theirs != model.fingerprint()) {
      throw new InvalidSnapshotException(String.format(
          "stream snapshot belongs to another model: its fingerprint is %016x, this model's is %016x",
          theirs, model.fingerprint()));
    }
    int at = offset + STATE_AT;
    for (int l = 0; l < layers; l++) {
      for (int i = 0; i < hiddenSize; i++, at += Float.BYTES) {
        float value = Float.intBitsToFloat((int) INT.get(from, at));
        if (!Float.isFinite(value)) {
          throw new InvalidSnapshotException(
              "stream snapshot holds a non-finite state: layer " + l + " h[" + i + "] is " + value);
        }
      }
    }
  }

  private static String shape(long layers, long hiddenSize) {
    return layers + (layers == 1 ? " layer" : " layers") + " of " + hiddenSize + " hidden units";
  }
}
