package dev.recur.io;

import java.util.Arrays;

/**
 * A tensor's shape as a safetensors header states it: its rank, how many values it holds, and its
 * first {@value #KEPT_DIMENSIONS} dimensions, which is all of any tensor recur reads. A shape
 * of millions of dimensions costs no more memory than one of two.
 *
 * @param leading the first {@code min(rank, KEPT_DIMENSIONS)} dimensions
 */
record TensorShape(long[] leading, int rank, long count) {

  static final int KEPT_DIMENSIONS = 8;

  /** Dimension {@code i}, for {@code i < min(rank, KEPT_DIMENSIONS)}. */
  long dimension(int i) {
    return leading[i];
  }

  /** For messages: the dimensions, or the first of them and how many more there are. */
  String text() {
    String kept = Arrays.toString(leading);
    return rank <= KEPT_DIMENSIONS
        ? kept
        : kept.substring(0, kept.length() - 1) + ", ... " + (rank - KEPT_DIMENSIONS) + " more]";
  }
}
