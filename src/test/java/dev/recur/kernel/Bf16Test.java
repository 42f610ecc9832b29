package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Rounding to bf16 (nearest, ties to even) and the row-pair packing the kernels read. */
class Bf16Test {

  private static short bf16(int floatBits) {
    return Bf16.fromFloat(Float.intBitsToFloat(floatBits));
  }

  @Test
  void roundsToTheNearestTiesToEven() {
    assertEquals((short) 0x3F80, bf16(0x3F800000), "1.0 is exact");
    assertEquals((short) 0x3F80, bf16(0x3F807FFF), "just under half a unit: down");
    assertEquals((short) 0x3F81, bf16(0x3F808001), "just over half a unit: up");
    assertEquals((short) 0x3F80, bf16(0x3F808000), "a tie above an even value: stays even");
    assertEquals((short) 0x3F82, bf16(0x3F818000), "a tie above an odd value: up to even");
    assertEquals((short) 0xBF82, bf16(0xBF818000), "the same for negative values");
    assertEquals((short) 0x7F80, bf16(0x7F7FFFFF), "the largest float rounds to infinity");
    assertEquals((short) 0x0000, bf16(0x00000001), "the smallest subnormal rounds to zero");
    assertTrue(Float.isNaN(Bf16.toFloat(bf16(0x7F800001))), "a NaN whose payload is all low bits stays NaN");
  }

  @Test
  void theRoundingErrorIsAtMostHalfAUnit() {
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 100_000; i++) {
      float value = (float) random.nextDouble(-1e6, 1e6);
      float rounded = Bf16.toFloat(Bf16.fromFloat(value));
      // 8 significant bits: half a unit in the last place is 2⁻⁸ of the value's binade
      assertTrue(Math.abs(rounded - value) <= Math.ulp(value) * 0x1p15f, value + " → " + rounded);
      assertEquals(rounded, Bf16.toFloat(Bf16.fromFloat(rounded)), "a bf16 value is exact");
    }
  }

  @Test
  void rowPairsHoldTheUpperRowHighAndTheLowerLow() {
    float[] matrix = {1f, 2f, 3f, -1f, -2f, -3f, 0.5f, 0.25f, 0.125f}; // 3 × 3
    int[] pairs = new int[Bf16.packedSize(3, 3)];
    assertEquals(6, pairs.length, "two pairs of 3 columns; the second has no lower row");
    Bf16.packRowPairs(matrix, 0, 3, 3, pairs);
    for (int j = 0; j < 3; j++) {
      assertEquals(matrix[j], Bf16.upper(pairs[j]));
      assertEquals(matrix[3 + j], Bf16.lower(pairs[j]));
      assertEquals(matrix[6 + j], Bf16.upper(pairs[3 + j]));
      assertEquals(0f, Bf16.lower(pairs[3 + j]));
    }
  }
}
