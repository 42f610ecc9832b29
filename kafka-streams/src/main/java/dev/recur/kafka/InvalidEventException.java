package dev.recur.kafka;

/**
 * An event the scoring processor cannot use: no key, no value, a length that is not the model's
 * input, or a value that is NaN or infinite. The message says what was expected and what came;
 * the processor sends the event to its dead-letter output with this message and leaves the key's
 * state as it was.
 */
public final class InvalidEventException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidEventException(String reason) {
    super(reason);
  }
}
