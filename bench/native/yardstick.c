/*
 * Times recur's batch-1 streaming step and its batch product in C: the hand-written kernels
 * (kernels.c), or, built with -DWITH_OPENBLAS, OpenBLAS's sgemv and sgemm (blas.c). Every shape is
 * first checked against plain double-precision loops (the run stops if a result is off by more
 * than float rounding allows), then timed. Output: '#' lines describing the build and the
 * machine, then one tab-separated line per figure (see HEADER).
 *
 *   yardstick [--hidden 128,256,512,1024] [--io 64] [--batch 32] [--reps 21] [--rep-ms 50]
 *             [--warmup-ms 500]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yardstick.h"

#ifdef WITH_OPENBLAS
#include <cblas.h>
static const char *const IMPL = "openblas";
static const step_fn STEP = step_openblas;
static const product_fn PRODUCT = product_openblas;
#else
static const char *const IMPL = "native";
static const step_fn STEP = step_native;
static const product_fn PRODUCT = product_native;
#endif

#ifndef YARDSTICK_FLAGS
#define YARDSTICK_FLAGS "not recorded (build without -DYARDSTICK_FLAGS)"
#endif

static const char *const HEADER =
    "impl\twhat\thidden\tbatch\tmedian_ns\tmin_ns\tmax_ns\treps\tmax_error\terror_bound";

/** The unit roundoff of float: half an ulp of 1. */
static const double ROUNDOFF = 0x1p-24;
/** The most tanh_vector may be off, relative to tanh: 4 ulps (checked on 200,001 points first). */
static const double TANH_BOUND = 4 * 0x1p-23;

struct settings {
  int hidden[16];
  int sizes;
  int io, batch, reps;
  double rep_ms, warmup_ms;
};

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "yardstick: %s%s\n", what, detail);
  exit(1);
}

static float *floats(size_t n) {
  size_t bytes = (sizeof(float) * n + 63) / 64 * 64; // aligned_alloc wants a multiple of 64
  float *p = aligned_alloc(64, bytes ? bytes : 64);
  if (!p) {
    fail("out of memory", "");
  }
  return p;
}

/** splitmix64, so the data are the same on every machine. */
static uint64_t state = 42;

static float uniform(float scale) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (float)(scale * (2.0 * (z >> 11) * 0x1p-53 - 1.0));
}

static float *random_floats(size_t n, float scale) {
  float *p = floats(n);
  for (size_t i = 0; i < n; i++) {
    p[i] = uniform(scale);
  }
  return p;
}

/**
 * γ_n = n·u / (1 − n·u): the most a float sum of n rounded terms (products included) can be
 * off, relative to the sum of the terms' magnitudes, whatever order it adds them in.
 */
static double gamma_bound(int n) { return n * ROUNDOFF / (1 - n * ROUNDOFF); }

/** max_i |got_i − ref_i| / scale_i: the error of each entry against its terms' magnitude. */
static double worst(const float *got, const double *ref, const double *scale, int n) {
  double w = 0;
  for (int i = 0; i < n; i++) {
    double e = fabs(got[i] - ref[i]) / scale[i];
    w = e > w ? e : w;
  }
  return w;
}

/**
 * Holds {@code got} to {@code bound} against the reference; first makes sure the check would
 * see one entry off by 0.1% of its terms' magnitude, so a check that passes everything fails.
 */
static double check(const char *what, const float *got, const double *ref, const double *scale,
                    int n, double bound) {
  float *wrong = floats(n);
  memcpy(wrong, got, sizeof(float) * n);
  wrong[n / 2] += (float)(1e-3 * scale[n / 2]);
  if (worst(wrong, ref, scale, n) <= bound) {
    fail(what, ": the check did not see a wrong entry");
  }
  free(wrong);
  double error = worst(got, ref, scale, n);
  if (!(error <= bound)) {
    char detail[160];
    snprintf(detail, sizeof detail, ": max error %.3g over the bound %.3g", error, bound);
    fail(what, detail);
  }
  return error;
}

/** ref = bias + wtᵀ u in double, and scale = |bias| + Σ |u_i wt_ij|. */
static void reference_trans_product(const float *wt, int rows, int cols, const float *u,
                                    const float *bias, double *ref, double *scale) {
  for (int j = 0; j < cols; j++) {
    double sum = bias[j], magnitude = fabs(bias[j]);
    for (int i = 0; i < rows; i++) {
      double term = (double)u[i] * wt[(size_t)i * cols + j];
      sum += term;
      magnitude += fabs(term);
    }
    ref[j] = sum;
    scale[j] = magnitude > 0 ? magnitude : 1;
  }
}

struct checked {
  double error, bound;
};

/**
 * One step from a random state: h_t against tanh of the double pre-activation (the sum's
 * rounding plus tanh_vector's own error), z_t against the double output layer over the h_t the
 * step produced. Each is held to its own bound; the larger error and bound are returned.
 */
static struct checked check_step(struct rnn *m, const float *x, float *z) {
  int rows = m->in + m->hidden;
  float *u = floats(rows);
  memcpy(u, x, sizeof(float) * m->in);
  memcpy(u + m->in, m->u + m->in, sizeof(float) * m->hidden);
  double *ref = malloc(sizeof(double) * rows), *scale = malloc(sizeof(double) * rows);
  reference_trans_product(m->wt, rows, m->hidden, u, m->bh, ref, scale);
  for (int j = 0; j < m->hidden; j++) {
    ref[j] = tanh(ref[j]); // tanh moves an error by no more than the error
  }
  STEP(m, x, z);
  double hidden_bound = gamma_bound(rows + 1) + TANH_BOUND;
  double hidden_error = check("h_t", m->u + m->in, ref, scale, m->hidden, hidden_bound);
  reference_trans_product(m->wyt, m->hidden, m->out, m->u + m->in, m->by, ref, scale);
  double output_bound = gamma_bound(m->hidden + 1);
  double output_error = check("z_t", z, ref, scale, m->out, output_bound);
  free(u);
  free(ref);
  free(scale);
  return (struct checked){fmax(hidden_error, output_error), fmax(hidden_bound, output_bound)};
}

static struct checked check_product(int m, int n, int k, const float *a, const float *b,
                                    float *c) {
  double *ref = malloc(sizeof(double) * m * n), *scale = malloc(sizeof(double) * m * n);
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      double sum = c[(size_t)i * n + j], magnitude = fabs(sum);
      for (int p = 0; p < k; p++) {
        double term = (double)a[(size_t)i * k + p] * b[(size_t)p * n + j];
        sum += term;
        magnitude += fabs(term);
      }
      ref[(size_t)i * n + j] = sum;
      scale[(size_t)i * n + j] = magnitude > 0 ? magnitude : 1;
    }
  }
  PRODUCT(m, n, k, a, b, c);
  double bound = gamma_bound(k + 1);
  double error = check("C += A B", c, ref, scale, m * n, bound);
  free(ref);
  free(scale);
  return (struct checked){error, bound};
}

/** tanh_vector against libm's tanh in double on 200,001 points of [−10, 10]; largest error in ulps. */
static double check_tanh(void) {
  enum { POINTS = 200001 };
  float *x = floats(POINTS), *y = floats(POINTS);
  for (int i = 0; i < POINTS; i++) {
    x[i] = (float)(-10.0 + 20.0 * i / (POINTS - 1));
  }
  tanh_vector(x, y, POINTS);
  double ulps = 0;
  for (int i = 0; i < POINTS; i++) {
    double t = tanh(x[i]);
    if (t == 0) {
      if (y[i] != 0) {
        fail("tanh", ": tanh 0 is not 0");
      }
      continue;
    }
    int exponent;
    frexp(t, &exponent);                       // |t| in [2^(e−1), 2^e)
    double ulp = ldexp(1.0, exponent - 1 - 23); // float's ulp there
    double e = fabs(y[i] - t) / ulp;
    ulps = e > ulps ? e : ulps;
  }
  free(x);
  free(y);
  if (ulps * 0x1p-23 > TANH_BOUND) {
    fail("tanh", ": more than 4 ulps from libm's tanh");
  }
  return ulps;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

struct spread {
  double median, min, max;
};

struct work {
  struct rnn *model;
  const float *x;
  float *z;
  int m, n, k;
  const float *a, *b;
  float *c;
};

static void step_once(struct work *w) { STEP(w->model, w->x, w->z); }

static void product_once(struct work *w) { PRODUCT(w->m, w->n, w->k, w->a, w->b, w->c); }

/**
 * Runs op for warmup_ms, then reps repetitions of as many calls as fill rep_ms at the warm-up's
 * pace, each repetition timed as a whole; returns the repetitions' ns per call.
 */
static struct spread time_op(void (*op)(struct work *), struct work *w, const struct settings *s) {
  long calls = 0;
  double start = now_ns(), elapsed;
  do {
    op(w);
    calls++;
    elapsed = now_ns() - start;
  } while (elapsed < s->warmup_ms * 1e6);
  long per_rep = (long)ceil(s->rep_ms * 1e6 / (elapsed / calls));
  double *ns = malloc(sizeof(double) * s->reps);
  for (int r = 0; r < s->reps; r++) {
    double t0 = now_ns();
    for (long i = 0; i < per_rep; i++) {
      op(w);
    }
    ns[r] = (now_ns() - t0) / per_rep;
  }
  qsort(ns, s->reps, sizeof(double), by_value);
  struct spread result = {(ns[(s->reps - 1) / 2] + ns[s->reps / 2]) / 2, ns[0], ns[s->reps - 1]};
  free(ns);
  return result;
}

static void row(const char *what, int hidden, int batch, struct spread t, int reps,
                struct checked c) {
  printf("%s\t%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%d\t%.3g\t%.3g\n", IMPL, what, hidden, batch, t.median,
         t.min, t.max, reps, c.error, c.bound);
  fflush(stdout);
}

static void measure_step(int hidden, const struct settings *s) {
  int io = s->io;
  float bound = (float)(1 / sqrt(hidden)); // PyTorch's (and recur's default) initial range
  struct rnn m = {io, hidden, io, random_floats((size_t)(io + hidden) * hidden, bound),
                  random_floats(hidden, bound), random_floats((size_t)hidden * io, bound),
                  random_floats(io, bound), random_floats(io + hidden, 1), floats(hidden)};
  float *x = random_floats(io, 1), *z = floats(io);
  struct checked c = check_step(&m, x, z);
  struct work w = {.model = &m, .x = x, .z = z};
  row("step", hidden, 1, time_op(step_once, &w, s), s->reps, c);
  free(m.wt);
  free(m.bh);
  free(m.wyt);
  free(m.by);
  free(m.u);
  free(m.a);
  free(x);
  free(z);
}

/** C (batch × H) += A (batch × H) · W (H × H), data as KernelBenchmark draws them. */
static void measure_product(int hidden, const struct settings *s) {
  int batch = s->batch;
  float *a = random_floats((size_t)batch * hidden, 1);
  float *b = random_floats((size_t)hidden * hidden, 1.0f / hidden);
  float *c = random_floats((size_t)batch * hidden, 1);
  struct checked checked = check_product(batch, hidden, hidden, a, b, c);
  struct work w = {.m = batch, .n = hidden, .k = hidden, .a = a, .b = b, .c = c};
  row("product", hidden, batch, time_op(product_once, &w, s), s->reps, checked);
  free(a);
  free(b);
  free(c);
}

static int positive(const char *option, const char *text) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 1 || v > 1 << 20) {
    fprintf(stderr, "yardstick: %s wants a whole number from 1 to 1048576, got '%s'\n", option,
            text);
    exit(2);
  }
  return (int)v;
}

static struct settings parse(int argc, char **argv) {
  struct settings s = {{128, 256, 512, 1024}, 4, 64, 32, 21, 50, 500};
  for (int i = 1; i < argc; i++) {
    const char *option = argv[i];
    if (i + 1 >= argc) {
      fprintf(stderr, "yardstick: %s wants a value\n", option);
      exit(2);
    }
    const char *value = argv[++i];
    if (strcmp(option, "--hidden") == 0) {
      char copy[256];
      if (strlen(value) >= sizeof copy) {
        fprintf(stderr, "yardstick: --hidden takes a list of at most 255 characters\n");
        exit(2);
      }
      snprintf(copy, sizeof copy, "%s", value);
      s.sizes = 0;
      for (char *t = strtok(copy, ","); t; t = strtok(NULL, ",")) {
        if (s.sizes == 16) {
          fprintf(stderr, "yardstick: --hidden takes at most 16 sizes\n");
          exit(2);
        }
        s.hidden[s.sizes++] = positive("--hidden", t);
      }
    } else if (strcmp(option, "--io") == 0) {
      s.io = positive(option, value);
    } else if (strcmp(option, "--batch") == 0) {
      s.batch = positive(option, value);
    } else if (strcmp(option, "--reps") == 0) {
      s.reps = positive(option, value);
    } else if (strcmp(option, "--rep-ms") == 0) {
      s.rep_ms = positive(option, value);
    } else if (strcmp(option, "--warmup-ms") == 0) {
      s.warmup_ms = positive(option, value);
    } else {
      fprintf(stderr, "yardstick: unknown option %s (known: --hidden --io --batch --reps --rep-ms"
                      " --warmup-ms)\n", option);
      exit(2);
    }
  }
  return s;
}

static void describe_cpu(void) {
  char line[512];
  FILE *info = fopen("/proc/cpuinfo", "r");
  while (info && fgets(line, sizeof line, info)) {
    if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
      printf("# cpu\t%s", strchr(line, ':') + 2);
      fclose(info);
      return;
    }
  }
  if (info) {
    fclose(info);
  }
  printf("# cpu\tunknown\n");
}

int main(int argc, char **argv) {
  struct settings s = parse(argc, argv);
  describe_cpu();
#if defined(__clang__)
  printf("# compiler\tclang %s\n", __clang_version__);
#elif defined(__GNUC__)
  printf("# compiler\tgcc %s\n", __VERSION__);
#endif
  printf("# flags\t%s\n", YARDSTICK_FLAGS);
#ifdef WITH_OPENBLAS
  openblas_set_num_threads(1);
  printf("# openblas\t%s; kernels for %s; %d thread(s)\n", openblas_get_config(),
         openblas_get_corename(), openblas_get_num_threads());
#else
  printf("# kernels\t%s\n", native_vector_kind());
#endif
  printf("# tanh\t%.2f ulps at most from libm's tanh on [-10, 10]\n", check_tanh());
  printf("# shapes\tstep: I = O = %d, batch 1; product: C (%d x H) += A (%d x H) W (H x H)\n",
         s.io, s.batch, s.batch);
  printf("# timing\t%d repetitions of %.0f ms after %.0f ms of warm-up; ns per call\n", s.reps,
         s.rep_ms, s.warmup_ms);
  printf("%s\n", HEADER);
  for (int i = 0; i < s.sizes; i++) {
    measure_step(s.hidden[i], &s);
    measure_product(s.hidden[i], &s);
  }
  return 0;
}
