package dev.recur.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FloatEventsTest {

  @Test
  void valuesAreLittleEndianFloat32OneAfterAnother() {
    // 1.0f is 0x3F800000 and -2.5f is 0xC0200000: lowest byte first.
    byte[] bytes = FloatEvents.encode(1f, -2.5f);
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0}, bytes);
  }

  @Test
  void everyBitSurvivesTheRoundTrip() {
    float[] values = {-0f, 0f, Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f, 1e-40f, Float.NaN,
        Float.intBitsToFloat(0x7fc00001), Float.POSITIVE_INFINITY};
    assertArrayEquals(Scenario.bits(values), Scenario.bits(FloatEvents.decode(FloatEvents.encode(values))));
  }

  @Test
  void aRefusedEventLeavesTheBufferAsItWas() {
    float[] into = {7, 8, 9};
    InvalidEventException nan = assertThrows(InvalidEventException.class,
        () -> FloatEvents.decode(FloatEvents.encode(1, 2, Float.NaN), into));
    assertEquals("input[2] is NaN; inputs must be finite", nan.getMessage());
    assertArrayEquals(new float[] {7, 8, 9}, into);

    FloatEvents.decode(FloatEvents.encode(1, -0f, 3), into);
    assertArrayEquals(Scenario.bits(new float[] {1, -0f, 3}), Scenario.bits(into));
  }

  @Test
  void wrongSizesAreNamed() {
    IllegalArgumentException encode = assertThrows(IllegalArgumentException.class,
        () -> FloatEvents.encode(new float[3], new byte[11]));
    assertEquals("encoding 3 float32 values needs 12 bytes; the array has 11", encode.getMessage());
    IllegalArgumentException decode = assertThrows(IllegalArgumentException.class,
        () -> FloatEvents.decode(new byte[5]));
    assertEquals("5 bytes, not a whole number of float32 values", decode.getMessage());
  }
}
