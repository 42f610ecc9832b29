/*
 * The step and the product through OpenBLAS: the same layouts as kernels.c handed to sgemv and
 * sgemm, the bias copied in first and accumulated onto (beta = 1). Row-major Aᵀ·x over the
 * transposed weights is, to BLAS, column-major A·x: the form its sgemv kernels favour.
 * Run with OPENBLAS_NUM_THREADS=1 (the harness also sets one thread before timing).
 */
#include <cblas.h>
#include <string.h>

#include "yardstick.h"

void step_openblas(struct rnn *m, const float *x, float *z) {
  int rows = m->in + m->hidden;
  memcpy(m->u, x, sizeof(float) * m->in);
  memcpy(m->a, m->bh, sizeof(float) * m->hidden);
  cblas_sgemv(CblasRowMajor, CblasTrans, rows, m->hidden, 1.0f, m->wt, m->hidden, m->u, 1, 1.0f,
              m->a, 1);
  tanh_vector(m->a, m->u + m->in, m->hidden);
  memcpy(z, m->by, sizeof(float) * m->out);
  cblas_sgemv(CblasRowMajor, CblasTrans, m->hidden, m->out, 1.0f, m->wyt, m->out, m->u + m->in, 1,
              1.0f, z, 1);
}

void product_openblas(int m, int n, int k, const float *a, const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 1.0f, c, n);
}
