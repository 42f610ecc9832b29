/*
 * The native yardstick: recur's batch-1 streaming step and its batch-32 product, written in C, so
 * that docs/BENCHMARKS.md can say what writing them in Java costs. Layouts are recur's:
 * row-major, weights transposed for the step (ElmanLayer, LinearHead), C += A B for the product
 * (KernelBenchmark.matMulBatch).
 */
#ifndef YARDSTICK_H
#define YARDSTICK_H

#include <stddef.h>

/** One Elman layer with a linear head (identity output), and the buffers its step works in. */
struct rnn {
  int in, hidden, out;
  /** (in + hidden) × hidden: W_xᵀ's rows, then W_hᵀ's, so one product over u covers both. */
  float *wt;
  /** b_h (hidden). */
  float *bh;
  /** hidden × out: W_yᵀ. */
  float *wyt;
  /** b_y (out). */
  float *by;
  /** [x_t ; h_{t-1}] (in + hidden): the stream's state lives in u + in. */
  float *u;
  /** The pre-activation a_t (hidden). */
  float *a;
};

/** z = b_y + W_y h_t after h_t = tanh(b_h + W_x x + W_h h_{t-1}); the state moves to h_t. */
typedef void (*step_fn)(struct rnn *m, const float *x, float *z);

/** C (m × n) += A (m × k) · B (k × n), all row-major. */
typedef void (*product_fn)(int m, int n, int k, const float *a, const float *b, float *c);

/** The hand-written step and product (kernels.c). */
void step_native(struct rnn *m, const float *x, float *z);
void product_native(int m, int n, int k, const float *a, const float *b, float *c);

/** The same two through OpenBLAS's sgemv and sgemm (blas.c). */
void step_openblas(struct rnn *m, const float *x, float *z);
void product_openblas(int m, int n, int k, const float *a, const float *b, float *c);

/** out[i] = tanh(in[i]) by the vector approximation both steps use (kernels.c). */
void tanh_vector(const float *in, float *out, int n);

/** What the hand-written kernels were compiled to: "AVX-512 intrinsics, 16 lanes", ... */
const char *native_vector_kind(void);

#endif
