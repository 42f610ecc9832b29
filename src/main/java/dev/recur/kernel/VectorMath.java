package dev.recur.kernel;

import static dev.recur.kernel.VectorKernels.F;
import static dev.recur.kernel.VectorKernels.LANE_INDEX;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Lane reductions and transcendental functions built only from IEEE-exact lane operations (add,
 * multiply, fma, divide, shuffles, bit moves), so a result does not depend on whether the JIT has
 * compiled the code yet.
 *
 * <p>Each function is a whole loop over arrays whose body calls only the Vector API, never a
 * method of recur's own that takes or returns a vector ({@link #sumLanes}, once after a loop and
 * in methods of at most 35 bytes, aside). C2 refuses to inline a method of ours where the call was
 * rare when profiled, or once the compilation has grown past {@code NodeCountInliningCutoff}
 * (18000 nodes: a tanh loop inlined into its caller got there), and a vector passed across a call
 * that is not inlined is boxed: an allocation on every call, for as long as that compiled code
 * lives. The Vector API's own methods are {@code @ForceInline}: past the cutoff C2 inlines them
 * later instead of refusing. So e^x is written out twice, here in {@link #exp} and inside {@link
 * #tanh}, rather than shared as a vector method; {@code ShapeChangeAllocationTest} shows both ways
 * of losing the inlining.
 *
 * <p>Why not the Vector API's own: {@code reduceLanes(ADD)} may sum lanes in any order, and does
 * so differently interpreted (lane by lane) and compiled (a tree); {@code lanewise(EXP)} and
 * {@code lanewise(TANH)} call {@code Math} per lane when interpreted and the SVML stubs when
 * compiled, which round differently. Measured here on JDK 25: a dot product and a softmax gave
 * different bits under {@code -Xint} and after warm-up. A model whose answer changes once C2
 * kicks in cannot promise bit-identical streams, so recur uses these instead.
 */
final class VectorMath {

  private VectorMath() {}

  private static final int LANES = F.length();

  /** Partner lanes at distance 8, 4, 2, 1 (folded into range for narrower species, unused there). */
  private static final VectorShuffle<Float> SWAP_8 = swap(8);
  private static final VectorShuffle<Float> SWAP_4 = swap(4);
  private static final VectorShuffle<Float> SWAP_2 = swap(2);
  private static final VectorShuffle<Float> SWAP_1 = swap(1);

  private static VectorShuffle<Float> swap(int distance) {
    return VectorShuffle.fromOp(F, i -> (i ^ distance) & (LANES - 1));
  }

  /** Σ lanes, as a fixed pairwise tree: the same additions in the same order every time. */
  static float sumLanes(FloatVector v) {
    return fold1(fold2(fold4(fold8(v)))).lane(0);
  }

  // Each fold adds every lane's partner at one distance; the lane-count tests fold to constants.

  private static FloatVector fold8(FloatVector v) {
    return LANES >= 16 ? v.add(v.rearrange(SWAP_8)) : v;
  }

  private static FloatVector fold4(FloatVector v) {
    return LANES >= 8 ? v.add(v.rearrange(SWAP_4)) : v;
  }

  private static FloatVector fold2(FloatVector v) {
    return v.add(v.rearrange(SWAP_2)); // every species has at least 4 lanes
  }

  private static FloatVector fold1(FloatVector v) {
    return v.add(v.rearrange(SWAP_1));
  }

  // e^x as in Cephes' expf: x = n ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·ln2 is exact),
  // e^r from a polynomial, then 2^n placed straight into the exponent bits.
  private static final FloatVector LOG2E = constant(1.44269504088896341f);
  private static final FloatVector MINUS_LN2_HIGH = constant(-0.693359375f);
  private static final FloatVector MINUS_LN2_LOW = constant(2.12194440e-4f);
  /** 1.5·2²³: adding and subtracting it rounds a float to the nearest integer. */
  private static final FloatVector ROUNDER = constant(12582912f);
  /** Inputs are clamped here so that 2^n stays a normal float. */
  private static final float EXP_LOW = -87.33654f;
  private static final float EXP_HIGH = 88.37626f;
  private static final FloatVector P0 = constant(1.9875691500e-4f);
  private static final FloatVector P1 = constant(1.3981999507e-3f);
  private static final FloatVector P2 = constant(8.3334519073e-3f);
  private static final FloatVector P3 = constant(4.1665795894e-2f);
  private static final FloatVector P4 = constant(1.6666665459e-1f);
  private static final FloatVector P5 = constant(5.0000001201e-1f);
  private static final FloatVector ONE = constant(1f);
  private static final FloatVector TWO = constant(2f);

  private static FloatVector constant(float value) {
    return FloatVector.broadcast(F, value);
  }

  /**
   * {@code out[i] = e^(scale·in[i] - shift)} for the first {@code bound} entries ({@code bound} a
   * multiple of the lane count); returns their sum. Within 2 ulps of {@link Math#exp} on [-87.3,
   * 88.3]; saturates to about 1.2e-38 below and 3.4e38 above that range (NaN stays NaN). {@code
   * out} may be the same range as {@code in}.
   */
  static float exp(
      float[] in, int inOff, float scale, float shift, float[] out, int outOff, int bound) {
    FloatVector scales = FloatVector.broadcast(F, scale);
    FloatVector shifts = FloatVector.broadcast(F, shift);
    FloatVector sums = FloatVector.zero(F);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(F, in, inOff + i).mul(scales).sub(shifts);
      // The same steps as in tanh below: see the class comment for why they are not a method.
      FloatVector clamped = x.max(EXP_LOW).min(EXP_HIGH);
      FloatVector n = clamped.fma(LOG2E, ROUNDER).sub(ROUNDER); // round(x log2 e)
      FloatVector r = n.fma(MINUS_LN2_LOW, n.fma(MINUS_LN2_HIGH, clamped)); // x - n ln2, exactly
      FloatVector p = P0.fma(r, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5);
      FloatVector twoToN = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127)
          .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      FloatVector e = p.mul(r.mul(r)).add(r).add(ONE).mul(twoToN); // (1 + r + r² P(r)) 2^n
      e.intoArray(out, outOff + i);
      sums = sums.add(e);
    }
    return sumLanes(sums);
  }

  /** Below this |x|, tanh comes from its odd polynomial; above, from e^(2|x|) (Cephes' tanhf). */
  private static final float TANH_SMALL = 0.625f;
  private static final FloatVector Q0 = constant(-5.70498872745e-3f);
  private static final FloatVector Q1 = constant(2.06390887954e-2f);
  private static final FloatVector Q2 = constant(-5.37397155531e-2f);
  private static final FloatVector Q3 = constant(1.33314422036e-1f);
  private static final FloatVector Q4 = constant(-3.33332819422e-1f);

  /**
   * {@code out[i] = tanh in[i]}, within a few ulps of {@link Math#tanh}, for {@code length ≥}
   * one vector of entries. {@code out} may be the same range as {@code in}.
   *
   * <p>No scalar tail: where {@code length} is not a multiple of the lane count, the last vector is
   * the one ending at {@code length}, overlapping the one before; its overlapped lanes keep what that one
   * stored (read back from {@code out}, since in place they are no longer inputs). Every entry
   * thus gets the vector function's bits, wherever it falls.
   */
  static void tanh(float[] in, int inOff, float[] out, int outOff, int length) {
    for (int i = 0; i < length; i += LANES) {
      int at = Math.min(i, length - LANES);
      FloatVector x = FloatVector.fromArray(F, in, inOff + at);
      FloatVector x2 = x.mul(x);
      // |x| < 0.625: tanh x = x + x³ Q(x²)
      FloatVector small = Q0.fma(x2, Q1).fma(x2, Q2).fma(x2, Q3).fma(x2, Q4).mul(x2).fma(x, x);
      // otherwise tanh x = sign(x) (1 - 2 / (e^(2|x|) + 1)), no cancellation worth a bit; e^(2|x|)
      // by the steps of exp above
      FloatVector clamped = x.abs().mul(TWO).max(EXP_LOW).min(EXP_HIGH);
      FloatVector n = clamped.fma(LOG2E, ROUNDER).sub(ROUNDER);
      FloatVector r = n.fma(MINUS_LN2_LOW, n.fma(MINUS_LN2_HIGH, clamped));
      FloatVector p = P0.fma(r, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5);
      FloatVector twoToN = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127)
          .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      FloatVector e = p.mul(r.mul(r)).add(r).add(ONE).mul(twoToN);
      FloatVector magnitude = ONE.sub(TWO.div(e.add(ONE)));
      FloatVector large = magnitude.blend(magnitude.neg(), x.compare(VectorOperators.LT, 0f));
      VectorMask<Float> isSmall = x.abs().compare(VectorOperators.LT, TANH_SMALL);
      FloatVector y = large.blend(small, isSmall);
      if (at != i) { // the overlapping last vector: lanes below i keep what is stored there
        VectorMask<Float> fresh = LANE_INDEX.compare(VectorOperators.GE, i - at);
        y = FloatVector.fromArray(F, out, outOff + at).blend(y, fresh);
      }
      y.intoArray(out, outOff + at);
    }
  }
}
