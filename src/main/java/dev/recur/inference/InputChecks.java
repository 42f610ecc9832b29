package dev.recur.inference;

import java.util.Objects;

/** Argument checks shared by the stream types: each names what was expected and what came. */
final class InputChecks {

  private InputChecks() {}

  static void requireVector(String what, float[] values, int expected) {
    Objects.requireNonNull(values, what);
    if (values.length != expected) {
      throw new IllegalArgumentException(
          what + " length " + values.length + ", model expects " + expected);
    }
    for (int i = 0; i < expected; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(what + "[" + i + "] is " + values[i]);
      }
    }
  }

  /** Refuses dense input to a model whose bottom layer reads embedded tokens. */
  static void requireDense(boolean embedded) {
    if (embedded) {
      throw new IllegalArgumentException(
          "this model has an embedding: its inputs are token indices, not dense vectors");
    }
  }

  static void requireTokens(int[] tokens, int expected, int vocabulary) {
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.length != expected) {
      throw new IllegalArgumentException(
          "token count " + tokens.length + ", expected " + expected);
    }
    for (int i = 0; i < tokens.length; i++) {
      requireToken(tokens[i], vocabulary);
    }
  }

  static void requireToken(int token, int vocabulary) {
    if (token < 0 || token >= vocabulary) {
      throw new IllegalArgumentException(
          "token " + token + " is out of range; the model's vocabulary is [0, " + vocabulary + ")");
    }
  }

  static void requireOpen(boolean closed) {
    if (closed) {
      throw new IllegalStateException("this stream is closed");
    }
  }
}
