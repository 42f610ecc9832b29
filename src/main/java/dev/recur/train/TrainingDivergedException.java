package dev.recur.train;

/**
 * Training produced a NaN or infinite loss or gradient. The message names the update and the
 * tensor; the weights are left as they were before that update.
 */
public final class TrainingDivergedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  TrainingDivergedException(String message) {
    super(message);
  }
}
