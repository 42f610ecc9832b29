package dev.recur.kernel;

import static dev.recur.kernel.VectorKernels.F;
import static dev.recur.kernel.VectorKernels.LANE_INDEX;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix·matrix products of {@link VectorKernels}: {@code C(i, j) += Σ_p A(i, p) B(p, j)}
 * with B and C row-major ({@code k × n}, {@code m × n}) and {@code A(i, p)} read at {@code aOff +
 * i*rowStride + p*colStride}, so one kernel serves A and Aᵀ.
 *
 * <p>Register tiles of C stay in registers over the whole sum on p: 8 rows × 2 vectors where the
 * processor has 32 vector registers (AVX-512), so 16 independent FMA chains keep two FMA pipes of
 * 4 cycles' latency busy and each broadcast of A feeds two FMAs, each load of B eight; else 4 rows
 * × 2 vectors (8 accumulators of 16 registers). Rows left over take 4-row and then single-row
 * tiles, and columns past the last pair of vectors one vector at a time, the last one ending at
 * column n (overlapping, its overlapped lanes get back their values). The sum over p is cut into
 * blocks of {@link #DEPTH_BLOCK} terms, taken in order; within a block, column blocks are the
 * outer loop, so a strip of B ({@code DEPTH_BLOCK × 2} vectors) is read by every row tile from
 * L1, and B streams from memory once per call.
 *
 * <p>Read in place, a strip's rows lie n floats apart: from n = 1024 on, each on a page of its
 * own, where the hardware prefetchers do not follow, so the first row tile waits on every row,
 * and on few of L1's sets, so the strip does not stay there. So a matrix that serves many
 * products (a layer's weights) is laid out once in panels ({@link #pack}), each strip's rows one
 * after the other, which {@link #addPanels} streams; and where C has {@link #COPYING_ROWS} rows or
 * more (a weight gradient over T·B rows), each strip is copied into a contiguous one before the
 * row tiles read it, as BLIS packs its panels. With fewer rows (the 32 of a batch step) the copy
 * costs more than it saves: it waits on B's rows with no sums to overlap.
 *
 * <p>Whatever the tile, every entry of C is one chain of FMAs over p in order, starting from its
 * value in C: the bits of {@link ScalarKernels}'s loops.
 */
final class VectorProducts {

  private static final int LANES = F.length();

  /** Rows of the tall tile: 8 where 32 vector registers hold its 16 accumulators, else 4. */
  static final int TALL_ROWS =
      VectorSpecies.ofPreferred(float.class).vectorBitSize() >= 512 ? 8 : 4;

  /**
   * Terms of the sum over p taken per pass over C: a strip of B of this depth by 2 vectors (32
   * KiB for 512-bit vectors) stays in a 48 KiB L1 while every row tile reads it.
   */
  static final int DEPTH_BLOCK = 256;

  /**
   * Rows of C from which {@link #add} copies each strip of B before reading it: enough row tiles
   * to pay back the copy; 32 rows (4 tiles of 8) measured slower copying, 64 and more faster.
   */
  static final int COPYING_ROWS = 64;

  /**
   * Each thread's copy of one strip of B ({@link #DEPTH_BLOCK} rows of 2 vectors, 32 KiB for
   * 512-bit vectors): allocated at a thread's first product of {@link #COPYING_ROWS} rows or
   * more, reused after, so products allocate nothing.
   */
  private static final ThreadLocal<float[]> STRIP =
      ThreadLocal.withInitial(() -> new float[DEPTH_BLOCK * 2 * LANES]);

  /**
   * Rows of A in one stripe of {@link #copyTallTiles}: a vector's lanes or a tall tile's rows,
   * whichever is more, so a stripe's row of terms is copied in whole vectors of the one species
   * every kernel uses (a second vector shape in the process can cost C2's inlining elsewhere).
   */
  private static final int STRIPE = Math.max(LANES, TALL_ROWS);

  /**
   * Each thread's copy of A's tall tiles over one depth block ({@link #copyTallTiles}): grown to
   * the most rows a thread's products have had, reused after, so repeated products allocate
   * nothing.
   */
  private static final ThreadLocal<float[]> TALL_TILES =
      ThreadLocal.withInitial(() -> new float[0]);

  private VectorProducts() {}

  static void add(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int rowStride,
      int colStride,
      float[] b,
      int bOff,
      float[] c,
      int cOff) {
    if (n < LANES) {
      addScalar(m, n, k, a, aOff, rowStride, colStride, b, bOff, c, cOff);
      return;
    }
    // Blocks of the sum over p, in order: a block's strip of B stays in L1 for every row tile, and
    // its panel of A in L2 for every column block; C takes each block's partial sums.
    boolean copies = m >= COPYING_ROWS;
    for (int p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
      int depth = Math.min(DEPTH_BLOCK, k - p0);
      if (copies) {
        addBlockCopied(m, n, depth, a, aOff + p0 * colStride, rowStride, colStride, b,
            bOff + p0 * n, c, cOff);
      } else {
        addBlock(m, n, depth, a, aOff + p0 * colStride, rowStride, colStride, b, bOff + p0 * n,
            false, c, cOff);
      }
    }
  }

  /**
   * {@link #addBlock} in place, for {@code m ≥} {@link #COPYING_ROWS}: each strip of B copied
   * into a contiguous strip before the row tiles read it, as BLIS does. Read in place, its rows
   * lie a row of B apart, each on its own page from 1024 columns on, and thrash the few sets of L1
   * they fall in. The columns past the last pair of vectors are read in place.
   *
   * <p>Where A is read down its columns ({@code rowStride} 1: Aᵀ·B, a weight gradient), a tall
   * tile's term p lies a row of A away from its term p - 1, and the tile's whole block as far
   * again from the next strip's reading of it: so A's tall tiles are copied too, once per block,
   * in stripes whose terms lie one after the other ({@link #copyTallTiles}).
   */
  private static void addBlockCopied(int m, int n, int k, float[] a, int aOff, int rowStride,
      int colStride, float[] b, int bOff, float[] c, int cOff) {
    float[] strip = STRIP.get();
    float[] tiles = rowStride == 1 ? copyTallTiles(m, k, a, aOff, colStride) : null;
    int j = 0;
    for (; j + 2 * LANES <= n; j += 2 * LANES) {
      copyStrip(b, bOff + j, n, k, 2 * LANES, strip, 0);
      addPair(m, n, k, a, aOff, rowStride, colStride, tiles, strip, 0, 2 * LANES, c, cOff + j);
    }
    addTails(m, n, k, a, aOff, rowStride, colStride, b, bOff, false, c, cOff, j);
  }

  /**
   * Copies rows 0 to m - m % {@link #TALL_ROWS} of A over one depth block of k terms (term p of
   * row i at {@code aOff + i + p*colStride}) into this thread's {@link #TALL_TILES}, in stripes of
   * {@link #STRIPE} rows (the last one as narrow as the rows left): the stripe from row s at
   * {@code s*k}, its k terms one after the other, each as wide as the stripe ({@link #tileAt}).
   * A tall tile then reads its terms from one contiguous run, one stripe's width apart.
   */
  private static float[] copyTallTiles(int m, int k, float[] a, int aOff, int colStride) {
    int rows = m - m % TALL_ROWS;
    float[] tiles = TALL_TILES.get();
    if (tiles.length < rows * k) {
      tiles = new float[rows * k];
      TALL_TILES.set(tiles);
    }
    for (int s = 0; s < rows; s += STRIPE) {
      int width = Math.min(STRIPE, rows - s);
      for (int p = 0, from = aOff + s, to = s * k; p < k; p++, from += colStride, to += width) {
        int r = 0;
        for (; r + LANES <= width; r += LANES) {
          FloatVector.fromArray(F, a, from + r).intoArray(tiles, to + r);
        }
        for (; r < width; r++) {
          tiles[to + r] = a[from + r];
        }
      }
    }
    return tiles;
  }

  /** Where the tall tile from row i starts in {@link #copyTallTiles}'s stripes. */
  private static int tileAt(int i, int k) {
    int s = i - i % STRIPE;
    return s * k + i - s;
  }

  /** The floats between a tall tile's successive terms in {@link #copyTallTiles}'s stripes. */
  private static int tileStride(int i, int rows) {
    return Math.min(STRIPE, rows - (i - i % STRIPE));
  }

  /**
   * Floats of B ({@code k × n}) in the panel layout {@link #pack} writes: per block of {@link
   * #DEPTH_BLOCK} rows, each strip of 2 column vectors, then each vector of the columns left
   * (the last one ending at column n), as its block's rows one after the other; B as it is where
   * {@code n} is narrower than a vector.
   */
  static int panelsSize(int k, int n) {
    return k * panelWidth(n);
  }

  /** Floats in one row of a depth block's panels: the strips' widths, tails overlapping. */
  private static int panelWidth(int n) {
    if (n < LANES) {
      return n;
    }
    int pairs = n / (2 * LANES);
    int tails = (n - pairs * 2 * LANES + LANES - 1) / LANES;
    return (pairs * 2 + tails) * LANES;
  }

  /** Copies B ({@code k × n}, row-major from {@code bOff}) into {@code panels} ({@link #panelsSize}). */
  static void pack(float[] b, int bOff, int k, int n, float[] panels) {
    if (n < LANES) {
      System.arraycopy(b, bOff, panels, 0, k * n);
      return;
    }
    int width = panelWidth(n);
    int to = 0;
    for (int p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
      int rows = Math.min(DEPTH_BLOCK, k - p0);
      int j = 0;
      for (; j + 2 * LANES <= n; j += 2 * LANES) {
        to = copyStrip(b, bOff + p0 * n + j, n, rows, 2 * LANES, panels, to);
      }
      for (; j < n; j += LANES) {
        to = copyStrip(b, bOff + p0 * n + Math.min(j, n - LANES), n, rows, LANES, panels, to);
      }
    }
    assert to == k * width;
  }

  /**
   * Copies {@code rows} rows of a strip {@code width} floats wide (1 or 2 vectors) from B at
   * {@code from} ({@code n} apart) into {@code to} at {@code at}, one after the other; returns
   * where the copy ends in {@code to}.
   */
  private static int copyStrip(float[] b, int from, int n, int rows, int width, float[] to,
      int at) {
    for (int p = 0; p < rows; p++, from += n) {
      for (int v = 0; v < width; v += LANES, at += LANES) {
        FloatVector.fromArray(F, b, from + v).intoArray(to, at);
      }
    }
    return at;
  }

  /** {@link #add} with B as {@link #pack} laid it out in {@code panels}: the same bits. */
  static void addPanels(int m, int n, int k, float[] a, int aOff, int rowStride, int colStride,
      float[] panels, float[] c, int cOff) {
    if (n < LANES) {
      addScalar(m, n, k, a, aOff, rowStride, colStride, panels, 0, c, cOff);
      return;
    }
    int width = panelWidth(n);
    for (int p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
      addBlock(m, n, Math.min(DEPTH_BLOCK, k - p0), a, aOff + p0 * colStride, rowStride, colStride,
          panels, p0 * width, true, c, cOff);
    }
  }

  /**
   * {@link #add} over one block of the sum ({@code k ≤} {@link #DEPTH_BLOCK}), B's block from
   * {@code bOff}: rows of B ({@code n} apart), or, where {@code panels}, strips of {@link #pack}.
   */
  private static void addBlock(int m, int n, int k, float[] a, int aOff, int rowStride,
      int colStride, float[] b, int bOff, boolean panels, float[] c, int cOff) {
    int pairStride = panels ? 2 * LANES : n;
    int j = 0;
    int b0 = bOff;
    for (; j + 2 * LANES <= n; j += 2 * LANES) {
      if (!panels) {
        b0 = bOff + j;
      }
      addPair(m, n, k, a, aOff, rowStride, colStride, null, b, b0, pairStride, c, cOff + j);
      if (panels) {
        b0 += k * 2 * LANES;
      }
    }
    addTails(m, n, k, a, aOff, rowStride, colStride, b, panels ? b0 : bOff, panels, c, cOff, j);
  }

  /**
   * Rows 0 to m of C from {@code c0} by 2 vectors, over B's strip of them from {@code b0} (rows
   * {@code bStride} apart): tall tiles, then 4-row tiles, then single rows. The tall tiles read A
   * from {@code tiles} where {@link #copyTallTiles} laid them out there, else in place.
   */
  private static void addPair(int m, int n, int k, float[] a, int aOff, int rowStride,
      int colStride, float[] tiles, float[] b, int b0, int bStride, float[] c, int c0) {
    int tallRows = m - m % TALL_ROWS;
    int i = 0;
    for (; i < tallRows; i += TALL_ROWS) {
      float[] from = tiles == null ? a : tiles;
      int at = tiles == null ? aOff + i * rowStride : tileAt(i, k);
      int across = tiles == null ? rowStride : 1;
      int along = tiles == null ? colStride : tileStride(i, tallRows);
      if (TALL_ROWS == 8) {
        addEightByTwo(k, from, at, across, along, b, b0, bStride, c, c0 + i * n, n);
      } else {
        addFourByTwo(k, from, at, across, along, b, b0, bStride, c, c0 + i * n, n);
      }
    }
    for (; i + 4 <= m; i += 4) {
      addFourByTwo(k, a, aOff + i * rowStride, rowStride, colStride, b, b0, bStride, c,
          c0 + i * n, n);
    }
    for (; i < m; i++) {
      int ai = aOff + i * rowStride;
      int ci = c0 + i * n;
      addOneByOne(k, a, ai, colStride, b, b0, bStride, c, ci, 0);
      addOneByOne(k, a, ai, colStride, b, b0 + LANES, bStride, c, ci + LANES, 0);
    }
  }

  /**
   * The columns of {@link #addBlock} from {@code from} (past the last pair of vectors), one vector
   * at a time, the last one ending at column n; B from {@code b0}: its block's first row, or,
   * where {@code panels}, the first of these columns' strips.
   */
  private static void addTails(int m, int n, int k, float[] a, int aOff, int rowStride,
      int colStride, float[] b, int b0, boolean panels, float[] c, int cOff, int from) {
    int bStride = panels ? LANES : n;
    for (int j = from; j < n; j += LANES) {
      int at = Math.min(j, n - LANES);
      int bj = panels ? b0 : b0 + at;
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        addFourByOne(k, a, aOff + i * rowStride, rowStride, colStride, b, bj, bStride, c,
            cOff + i * n + at, n, j - at);
      }
      for (; i < m; i++) {
        addOneByOne(k, a, aOff + i * rowStride, colStride, b, bj, bStride, c, cOff + i * n + at,
            j - at);
      }
      if (panels) {
        b0 += k * LANES;
      }
    }
  }

  /** 8 rows of C from {@code c0} by 2 vectors, over rows of A from {@code a0} and B from {@code b0}. */
  private static void addEightByTwo(int k, float[] a, int a0, int rowStride, int colStride,
      float[] b, int b0, int bStride, float[] c, int c0, int n) {
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    int a4 = a3 + rowStride;
    int a5 = a4 + rowStride;
    int a6 = a5 + rowStride;
    int a7 = a6 + rowStride;
    int c1 = c0 + n;
    int c2 = c1 + n;
    int c3 = c2 + n;
    int c4 = c3 + n;
    int c5 = c4 + n;
    int c6 = c5 + n;
    int c7 = c6 + n;
    FloatVector l0 = FloatVector.fromArray(F, c, c0);
    FloatVector l1 = FloatVector.fromArray(F, c, c1);
    FloatVector l2 = FloatVector.fromArray(F, c, c2);
    FloatVector l3 = FloatVector.fromArray(F, c, c3);
    FloatVector l4 = FloatVector.fromArray(F, c, c4);
    FloatVector l5 = FloatVector.fromArray(F, c, c5);
    FloatVector l6 = FloatVector.fromArray(F, c, c6);
    FloatVector l7 = FloatVector.fromArray(F, c, c7);
    FloatVector r0 = FloatVector.fromArray(F, c, c0 + LANES);
    FloatVector r1 = FloatVector.fromArray(F, c, c1 + LANES);
    FloatVector r2 = FloatVector.fromArray(F, c, c2 + LANES);
    FloatVector r3 = FloatVector.fromArray(F, c, c3 + LANES);
    FloatVector r4 = FloatVector.fromArray(F, c, c4 + LANES);
    FloatVector r5 = FloatVector.fromArray(F, c, c5 + LANES);
    FloatVector r6 = FloatVector.fromArray(F, c, c6 + LANES);
    FloatVector r7 = FloatVector.fromArray(F, c, c7 + LANES);
    for (int p = 0, bp = b0, ap = 0; p < k; p++, bp += bStride, ap += colStride) {
      FloatVector left = FloatVector.fromArray(F, b, bp);
      FloatVector right = FloatVector.fromArray(F, b, bp + LANES);
      FloatVector s = FloatVector.broadcast(F, a[a0 + ap]);
      l0 = left.fma(s, l0);
      r0 = right.fma(s, r0);
      s = FloatVector.broadcast(F, a[a1 + ap]);
      l1 = left.fma(s, l1);
      r1 = right.fma(s, r1);
      s = FloatVector.broadcast(F, a[a2 + ap]);
      l2 = left.fma(s, l2);
      r2 = right.fma(s, r2);
      s = FloatVector.broadcast(F, a[a3 + ap]);
      l3 = left.fma(s, l3);
      r3 = right.fma(s, r3);
      s = FloatVector.broadcast(F, a[a4 + ap]);
      l4 = left.fma(s, l4);
      r4 = right.fma(s, r4);
      s = FloatVector.broadcast(F, a[a5 + ap]);
      l5 = left.fma(s, l5);
      r5 = right.fma(s, r5);
      s = FloatVector.broadcast(F, a[a6 + ap]);
      l6 = left.fma(s, l6);
      r6 = right.fma(s, r6);
      s = FloatVector.broadcast(F, a[a7 + ap]);
      l7 = left.fma(s, l7);
      r7 = right.fma(s, r7);
    }
    l0.intoArray(c, c0);
    l1.intoArray(c, c1);
    l2.intoArray(c, c2);
    l3.intoArray(c, c3);
    l4.intoArray(c, c4);
    l5.intoArray(c, c5);
    l6.intoArray(c, c6);
    l7.intoArray(c, c7);
    r0.intoArray(c, c0 + LANES);
    r1.intoArray(c, c1 + LANES);
    r2.intoArray(c, c2 + LANES);
    r3.intoArray(c, c3 + LANES);
    r4.intoArray(c, c4 + LANES);
    r5.intoArray(c, c5 + LANES);
    r6.intoArray(c, c6 + LANES);
    r7.intoArray(c, c7 + LANES);
  }

  /** 4 rows of C from {@code c0} by 2 vectors: each broadcast of A feeds two FMAs, each load of B four. */
  private static void addFourByTwo(int k, float[] a, int a0, int rowStride, int colStride,
      float[] b, int b0, int bStride, float[] c, int c0, int n) {
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    int c1 = c0 + n;
    int c2 = c1 + n;
    int c3 = c2 + n;
    FloatVector l0 = FloatVector.fromArray(F, c, c0);
    FloatVector l1 = FloatVector.fromArray(F, c, c1);
    FloatVector l2 = FloatVector.fromArray(F, c, c2);
    FloatVector l3 = FloatVector.fromArray(F, c, c3);
    FloatVector r0 = FloatVector.fromArray(F, c, c0 + LANES);
    FloatVector r1 = FloatVector.fromArray(F, c, c1 + LANES);
    FloatVector r2 = FloatVector.fromArray(F, c, c2 + LANES);
    FloatVector r3 = FloatVector.fromArray(F, c, c3 + LANES);
    for (int p = 0, bp = b0, ap = 0; p < k; p++, bp += bStride, ap += colStride) {
      FloatVector left = FloatVector.fromArray(F, b, bp);
      FloatVector right = FloatVector.fromArray(F, b, bp + LANES);
      FloatVector s = FloatVector.broadcast(F, a[a0 + ap]);
      l0 = left.fma(s, l0);
      r0 = right.fma(s, r0);
      s = FloatVector.broadcast(F, a[a1 + ap]);
      l1 = left.fma(s, l1);
      r1 = right.fma(s, r1);
      s = FloatVector.broadcast(F, a[a2 + ap]);
      l2 = left.fma(s, l2);
      r2 = right.fma(s, r2);
      s = FloatVector.broadcast(F, a[a3 + ap]);
      l3 = left.fma(s, l3);
      r3 = right.fma(s, r3);
    }
    l0.intoArray(c, c0);
    l1.intoArray(c, c1);
    l2.intoArray(c, c2);
    l3.intoArray(c, c3);
    r0.intoArray(c, c0 + LANES);
    r1.intoArray(c, c1 + LANES);
    r2.intoArray(c, c2 + LANES);
    r3.intoArray(c, c3 + LANES);
  }

  /**
   * 4 rows of C (row {@code c0} and the next three, {@code n} apart) by one vector, over B's
   * vector of columns from {@code b0} ({@code bStride} apart); the first {@code keep} lanes (done
   * already) keep their values.
   */
  private static void addFourByOne(int k, float[] a, int a0, int rowStride, int colStride,
      float[] b, int b0, int bStride, float[] c, int c0, int n, int keep) {
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    int c1 = c0 + n;
    int c2 = c1 + n;
    int c3 = c2 + n;
    FloatVector start0 = FloatVector.fromArray(F, c, c0);
    FloatVector start1 = FloatVector.fromArray(F, c, c1);
    FloatVector start2 = FloatVector.fromArray(F, c, c2);
    FloatVector start3 = FloatVector.fromArray(F, c, c3);
    FloatVector acc0 = start0;
    FloatVector acc1 = start1;
    FloatVector acc2 = start2;
    FloatVector acc3 = start3;
    for (int p = 0, bp = b0, ap = 0; p < k; p++, bp += bStride, ap += colStride) {
      FloatVector bs = FloatVector.fromArray(F, b, bp);
      acc0 = bs.fma(FloatVector.broadcast(F, a[a0 + ap]), acc0);
      acc1 = bs.fma(FloatVector.broadcast(F, a[a1 + ap]), acc1);
      acc2 = bs.fma(FloatVector.broadcast(F, a[a2 + ap]), acc2);
      acc3 = bs.fma(FloatVector.broadcast(F, a[a3 + ap]), acc3);
    }
    if (keep > 0) {
      VectorMask<Float> fresh = LANE_INDEX.compare(VectorOperators.GE, keep);
      acc0 = start0.blend(acc0, fresh);
      acc1 = start1.blend(acc1, fresh);
      acc2 = start2.blend(acc2, fresh);
      acc3 = start3.blend(acc3, fresh);
    }
    acc0.intoArray(c, c0);
    acc1.intoArray(c, c1);
    acc2.intoArray(c, c2);
    acc3.intoArray(c, c3);
  }

  /** One row of C from {@code c0} by one vector, as {@link #addFourByOne}. */
  private static void addOneByOne(int k, float[] a, int ai, int colStride, float[] b, int b0,
      int bStride, float[] c, int c0, int keep) {
    FloatVector start = FloatVector.fromArray(F, c, c0);
    FloatVector acc = start;
    for (int p = 0, bp = b0, ap = ai; p < k; p++, bp += bStride, ap += colStride) {
      acc = FloatVector.fromArray(F, b, bp).fma(FloatVector.broadcast(F, a[ap]), acc);
    }
    if (keep > 0) {
      acc = start.blend(acc, LANE_INDEX.compare(VectorOperators.GE, keep));
    }
    acc.intoArray(c, c0);
  }

  /** {@link #add} for fewer columns than one vector holds. */
  private static void addScalar(
      int m, int n, int k, float[] a, int aOff, int rowStride, int colStride, float[] b, int bOff,
      float[] c, int cOff) {
    for (int i = 0; i < m; i++) {
      // p outside, so B's rows are read in memory order; each entry's chain is still p = 0, 1, …
      for (int p = 0; p < k; p++) {
        float ap = a[aOff + i * rowStride + p * colStride];
        int bp = bOff + p * n;
        int ci = cOff + i * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] = Math.fma(ap, b[bp + j], c[ci + j]);
        }
      }
    }
  }
}
