package dev.recur;

/**
 * How a serving model holds its weight matrices. Activations, states and every sum stay float;
 * biases and an embedding table stay float too (they are read a row at a time, not streamed).
 */
public enum Precision {
  /** float32, as trained: the training forward pass's bits. */
  FP32,
  /**
   * bfloat16 (the upper half of each float, rounded to nearest, ties to even): half the bytes
   * read per step, each weight within 2⁻⁹ of its float value relative to it. A step gives exactly
   * the bits of an FP32 model whose weight matrices were rounded to bf16 first.
   */
  BF16,
  /**
   * int8, symmetric, with one float scale per output row of each matrix (that row's largest
   * magnitude / 127): a quarter of the bytes read per step, each weight within half its row's
   * scale. Each output is {@code scale · Σ q·x} (the sum over the int8 values, then scaled once).
   */
  INT8
}
