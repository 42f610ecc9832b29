package dev.recur.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The wire format of events and scores: a record value is n float32 values, little-endian, value
 * i at byte 4·i, nothing else (no header, no count: the length says n). An event of a model with
 * I inputs is 4·I bytes; its scores record holds the model's O outputs ŷ_t in 4·O bytes. Values
 * are copied bit for bit in both directions.
 *
 * <p>The array methods allocate nothing; {@link #encode(float...)} and {@link #decode(byte[])}
 * make new arrays, for producers and consumers outside the scoring path.
 */
public final class FloatEvents {

  /** A float as its raw bits, little-endian: keeps every bit pattern as it is. */
  private static final VarHandle LITTLE_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private FloatEvents() {}

  /**
   * Reads the event {@code value} into {@code into} (all of it): checks everything first, so a
   * refused event leaves {@code into} as it was. Allocates nothing unless it refuses.
   *
   * @throws InvalidEventException when {@code value} is null, is not {@code 4·into.length} bytes,
   *     or holds NaN or an infinity; the message names what was expected and what came
   */
  public static void decode(byte[] value, float[] into) {
    int count = into.length;
    if (value == null) {
      throw new InvalidEventException(
          "no value (a tombstone); an event is " + describe(count) + " inputs");
    }
    if (value.length != Float.BYTES * count) {
      throw new InvalidEventException(value.length % Float.BYTES != 0
          ? value.length + " bytes, not a whole number of float32 values; an event is "
              + describe(count) + " inputs"
          : value.length / Float.BYTES + " float32 values (" + value.length
              + " bytes); an event is " + describe(count) + " inputs");
    }
    for (int i = 0; i < count; i++) {
      float x = read(value, i);
      if (!Float.isFinite(x)) {
        throw new InvalidEventException("input[" + i + "] is " + x + "; inputs must be finite");
      }
    }
    for (int i = 0; i < count; i++) {
      into[i] = read(value, i);
    }
  }

  /**
   * Writes {@code values} into {@code into}, which must be exactly {@code 4·values.length} bytes.
   * Allocates nothing.
   */
  public static void encode(float[] values, byte[] into) {
    if (into.length != Float.BYTES * values.length) {
      throw new IllegalArgumentException("encoding " + values.length + " float32 values needs "
          + Float.BYTES * values.length + " bytes; the array has " + into.length);
    }
    for (int i = 0; i < values.length; i++) {
      LITTLE_ENDIAN_INT.set(into, Float.BYTES * i, Float.floatToRawIntBits(values[i]));
    }
  }

  /** {@code values} as a new record value of {@code 4·values.length} bytes. */
  public static byte[] encode(float... values) {
    Objects.requireNonNull(values, "values");
    byte[] bytes = new byte[Float.BYTES * values.length];
    encode(values, bytes);
    return bytes;
  }

  /**
   * A record value as a new array of its float32 values, whatever they are (a scores record, or
   * an event read back from a dead-letter topic).
   *
   * @throws IllegalArgumentException when the length is not a multiple of 4
   */
  public static float[] decode(byte[] value) {
    Objects.requireNonNull(value, "value");
    if (value.length % Float.BYTES != 0) {
      throw new IllegalArgumentException(
          value.length + " bytes, not a whole number of float32 values");
    }
    float[] values = new float[value.length / Float.BYTES];
    for (int i = 0; i < values.length; i++) {
      values[i] = read(value, i);
    }
    return values;
  }

  private static float read(byte[] value, int index) {
    return Float.intBitsToFloat((int) LITTLE_ENDIAN_INT.get(value, Float.BYTES * index));
  }

  /** "32 bytes, 8 little-endian float32": the shape of a record of {@code count} values. */
  private static String describe(int count) {
    return Float.BYTES * count + " bytes, " + count + " little-endian float32";
  }
}
