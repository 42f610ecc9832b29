/*
 * The hand-written kernels: the products with AVX-512 or AVX2 + FMA intrinsics, whichever the
 * compiler's -march turns on (plain loops elsewhere), tanh as a loop gcc vectorises.
 * Compiled with -O3 -march=native and without -ffast-math: every sum is rounded as written.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "yardstick.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#define SIMD(op) _mm512_##op
typedef __m512 vec;
enum { LANES = 16 };
#define VECTOR_KIND "AVX-512 intrinsics, 16 lanes"
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define SIMD(op) _mm256_##op
typedef __m256 vec;
enum { LANES = 8 };
#define VECTOR_KIND "AVX2 intrinsics, 8 lanes"
#endif

#ifdef SIMD
static inline vec vload(const float *p) { return SIMD(loadu_ps)(p); }
static inline void vstore(float *p, vec v) { SIMD(storeu_ps)(p, v); }
static inline vec vbroadcast(float x) { return SIMD(set1_ps)(x); }
static inline vec vzero(void) { return SIMD(setzero_ps)(); }
static inline vec vfma(vec a, vec b, vec c) { return SIMD(fmadd_ps)(a, b, c); }
static inline vec vadd(vec a, vec b) { return SIMD(add_ps)(a, b); }
#else
typedef float vec;
enum { LANES = 1 };
static inline vec vload(const float *p) { return *p; }
static inline void vstore(float *p, vec v) { *p = v; }
static inline vec vbroadcast(float x) { return x; }
static inline vec vzero(void) { return 0.0f; }
static inline vec vfma(vec a, vec b, vec c) { return a * b + c; }
static inline vec vadd(vec a, vec b) { return a + b; }
#define VECTOR_KIND "plain C loops (no AVX2 or AVX-512 at compile time)"
#endif

#define INLINE static inline __attribute__((always_inline))

const char *native_vector_kind(void) { return VECTOR_KIND; }

/*
 * out[0, nv·LANES) = bias + Σ_i u[i] · wt[i, 0, nv·LANES) for a block of columns of a row-major
 * matrix (rows apart by stride floats): the accumulators stay in registers while the rows stream
 * past, one broadcast of u[i] serving nv vectors. A dependent FMA waits about 4 cycles and two
 * pipes issue one each per cycle, so about 8 chains keep them busy: blocks narrower than 8
 * vectors sum the even and the odd rows apart and add the two at the end.
 */
INLINE void column_block(const float *wt, size_t stride, int rows, const float *u,
                         const float *bias, float *out, const int nv) {
  vec even[8], odd[8];
  for (int v = 0; v < nv; v++) {
    even[v] = vload(bias + v * LANES);
    odd[v] = vzero();
  }
  int i = 0;
  if (nv < 8) {
    for (; i + 1 < rows; i += 2) {
      vec xe = vbroadcast(u[i]);
      vec xo = vbroadcast(u[i + 1]);
      const float *we = wt + (size_t)i * stride;
      const float *wo = we + stride;
      for (int v = 0; v < nv; v++) {
        even[v] = vfma(xe, vload(we + v * LANES), even[v]);
        odd[v] = vfma(xo, vload(wo + v * LANES), odd[v]);
      }
    }
  }
  for (; i < rows; i++) {
    vec x = vbroadcast(u[i]);
    const float *w = wt + (size_t)i * stride;
    for (int v = 0; v < nv; v++) {
      even[v] = vfma(x, vload(w + v * LANES), even[v]);
    }
  }
  for (int v = 0; v < nv; v++) {
    vstore(out + v * LANES, nv < 8 ? vadd(even[v], odd[v]) : even[v]);
  }
}

/**
 * Up to this many weights (1 MiB) trans_product holds columns in registers and reads each row's
 * block at a stride of a row; past it, the rows at a page's stride defeat the prefetchers, and it
 * reads the weights in memory order instead (the same switch, at the same size, as recur's
 * VectorKernels).
 */
static const size_t CACHED_FLOATS = 1 << 18;

/** out = bias + wtᵀ u reading wt in memory order, four rows at a time (out stays in L1). */
static void row_tiles(const float *wt, int rows, int cols, const float *u, const float *bias,
                      float *out) {
  memcpy(out, bias, sizeof(float) * cols);
  int i = 0;
  for (; i + 4 <= rows; i += 4) {
    const float *w0 = wt + (size_t)i * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
    vec x0 = vbroadcast(u[i]), x1 = vbroadcast(u[i + 1]);
    vec x2 = vbroadcast(u[i + 2]), x3 = vbroadcast(u[i + 3]);
    int j = 0;
    for (; j + LANES <= cols; j += LANES) {
      vec acc = vload(out + j);
      acc = vfma(x0, vload(w0 + j), acc);
      acc = vfma(x1, vload(w1 + j), acc);
      acc = vfma(x2, vload(w2 + j), acc);
      acc = vfma(x3, vload(w3 + j), acc);
      vstore(out + j, acc);
    }
    for (; j < cols; j++) {
      out[j] += u[i] * w0[j] + u[i + 1] * w1[j] + u[i + 2] * w2[j] + u[i + 3] * w3[j];
    }
  }
  for (; i < rows; i++) {
    for (int j = 0; j < cols; j++) {
      out[j] += u[i] * wt[(size_t)i * cols + j];
    }
  }
}

/**
 * out = bias + wtᵀ u, wt rows × cols (row-major): in cache, blocks of 8, 4, 2, 1 vectors of
 * columns, then single columns; past it, row_tiles.
 */
static void trans_product(const float *wt, int rows, int cols, const float *u, const float *bias,
                          float *out) {
  if ((size_t)rows * cols > CACHED_FLOATS) {
    row_tiles(wt, rows, cols, u, bias, out);
    return;
  }
  int j = 0;
  for (; j + 8 * LANES <= cols; j += 8 * LANES) {
    column_block(wt + j, cols, rows, u, bias + j, out + j, 8);
  }
  if (j + 4 * LANES <= cols) {
    column_block(wt + j, cols, rows, u, bias + j, out + j, 4);
    j += 4 * LANES;
  }
  if (j + 2 * LANES <= cols) {
    column_block(wt + j, cols, rows, u, bias + j, out + j, 2);
    j += 2 * LANES;
  }
  if (j + LANES <= cols) {
    column_block(wt + j, cols, rows, u, bias + j, out + j, 1);
    j += LANES;
  }
  for (; j < cols; j++) {
    float sum = bias[j];
    for (int i = 0; i < rows; i++) {
      sum += u[i] * wt[(size_t)i * cols + j];
    }
    out[j] = sum;
  }
}

void step_native(struct rnn *m, const float *x, float *z) {
  memcpy(m->u, x, sizeof(float) * m->in);
  trans_product(m->wt, m->in + m->hidden, m->hidden, m->u, m->bh, m->a);
  tanh_vector(m->a, m->u + m->in, m->hidden); // h_t replaces h_{t-1} once both products are done
  trans_product(m->wyt, m->hidden, m->out, m->u + m->in, m->by, z);
}

/*
 * The product's register tile: MR rows of C by NV vectors, MR·NV accumulators (16 of the 32
 * AVX-512 registers, or of AVX2's 16 with MR = 2), each step over k loading NV vectors of B and
 * broadcasting MR entries of A: 2 loads per 4 FMAs at full size.
 */
enum { MR = LANES >= 16 ? 4 : 2, NV = 4 };
/** Rows of B a tile walks before moving on, so that a panel of B (KC × NV vectors) stays in L2. */
enum { KC = 256 };

INLINE void tile(int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                 const int mr, const int nv) {
  vec acc[MR][NV];
  for (int r = 0; r < mr; r++) {
    for (int v = 0; v < nv; v++) {
      acc[r][v] = vload(c + (size_t)r * ldc + v * LANES);
    }
  }
  for (int p = 0; p < k; p++) {
    vec bv[NV];
    for (int v = 0; v < nv; v++) {
      bv[v] = vload(b + (size_t)p * ldb + v * LANES);
    }
    for (int r = 0; r < mr; r++) {
      vec ar = vbroadcast(a[(size_t)r * lda + p]);
      for (int v = 0; v < nv; v++) {
        acc[r][v] = vfma(ar, bv[v], acc[r][v]);
      }
    }
  }
  for (int r = 0; r < mr; r++) {
    for (int v = 0; v < nv; v++) {
      vstore(c + (size_t)r * ldc + v * LANES, acc[r][v]);
    }
  }
}

/** Every row of C over a block of nv vectors of columns: full tiles, then single rows. */
INLINE void column_panel(int m, int k, const float *a, int lda, const float *b, int ldb, float *c,
                         int ldc, const int nv) {
  int i = 0;
  for (; i + MR <= m; i += MR) {
    tile(k, a + (size_t)i * lda, lda, b, ldb, c + (size_t)i * ldc, ldc, MR, nv);
  }
  for (; i < m; i++) {
    tile(k, a + (size_t)i * lda, lda, b, ldb, c + (size_t)i * ldc, ldc, 1, nv);
  }
}

void product_native(int m, int n, int k, const float *a, const float *b, float *c) {
  for (int p0 = 0; p0 < k; p0 += KC) {
    int kc = k - p0 < KC ? k - p0 : KC;
    const float *ap = a + p0;
    const float *bp = b + (size_t)p0 * n;
    int j = 0;
    for (; j + NV * LANES <= n; j += NV * LANES) {
      column_panel(m, kc, ap, k, bp + j, n, c + j, n, NV);
    }
    for (; j + LANES <= n; j += LANES) {
      column_panel(m, kc, ap, k, bp + j, n, c + j, n, 1);
    }
    for (; j < n; j++) {
      for (int i = 0; i < m; i++) {
        float sum = c[(size_t)i * n + j];
        for (int p = 0; p < kc; p++) {
          sum += ap[(size_t)i * k + p] * bp[(size_t)p * n + j];
        }
        c[(size_t)i * n + j] = sum;
      }
    }
  }
}

/*
 * tanh as recur's VectorMath.tanh computes it (Cephes' tanhf): below |x| = 0.625 the odd
 * polynomial x + x³ Q(x²); above, sign(x) (1 − 2 / (e^{2|x|} + 1)) with e^y = 2^n e^r,
 * n = round(y log2 e), r = y − n ln 2 (ln 2 in two parts so n ln 2 is exact), e^r from a degree-5
 * polynomial and 2^n written into the exponent bits. No calls and no branches, so gcc vectorises
 * the loop at the width -march allows. Finite inputs only. The harness measures its error against
 * libm's double tanh before any timing.
 */
static const float TANH_SMALL = 0.625f;
static const float Q0 = -5.70498872745e-3f, Q1 = 2.06390887954e-2f, Q2 = -5.37397155531e-2f,
                   Q3 = 1.33314422036e-1f, Q4 = -3.33332819422e-1f;
static const float LOG2E = 1.44269504088896341f;
static const float MINUS_LN2_HIGH = -0.693359375f, MINUS_LN2_LOW = 2.12194440e-4f;
/** 1.5·2²³: adding and subtracting it rounds a float to the nearest integer. */
static const float ROUNDER = 12582912.0f;
/** 2|x| is clamped here so that 2^n stays a normal float. */
static const float EXP_HIGH = 88.37626f;
static const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
                   P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

void tanh_vector(const float *restrict in, float *restrict out, int n) {
  for (int i = 0; i < n; i++) {
    float x = in[i];
    float ax = fabsf(x);
    float x2 = x * x;
    float small = ((((Q0 * x2 + Q1) * x2 + Q2) * x2 + Q3) * x2 + Q4) * x2 * x + x;
    float y = 2 * ax < EXP_HIGH ? 2 * ax : EXP_HIGH;
    float nf = (y * LOG2E + ROUNDER) - ROUNDER;
    float r = (y + nf * MINUS_LN2_HIGH) + nf * MINUS_LN2_LOW;
    float p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5;
    int32_t bits = ((int32_t)nf + 127) << 23;
    float two_n;
    memcpy(&two_n, &bits, sizeof two_n);
    float e = (p * (r * r) + r + 1) * two_n;
    float large = copysignf(1 - 2 / (e + 1), x);
    out[i] = ax < TANH_SMALL ? small : large;
  }
}
