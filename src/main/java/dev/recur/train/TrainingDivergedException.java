package dev.recur.train;

/**
 * Training produced a NaN or infinite loss or gradient and its {@link DivergencePolicy} said
 * stop. The message names the update, the tensor and the last finite loss; the weights are left
 * as they were before that update. A {@link Trainer} attaches the run up to that point ({@link
 * #partial()}: the epochs finished and the best weights among them), so they can still be saved.
 */
public final class TrainingDivergedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The update at which the run stopped. */
  private final long update;
  /** Not serialized: a diverged run's weights belong in a model file, not in an exception. */
  private transient Trainer.Result partial;

  TrainingDivergedException(String message, long update) {
    super(message);
    this.update = update;
  }

  /**
   * The update that diverged (counting from 1).
   *
   * @return the update number (for a stream trainer, the chunk number)
   */
  public long update() {
    return update;
  }

  /**
   * The run up to the divergence, or null when the trainer keeps no epochs (stream training).
   *
   * @return the finished epochs and best weights so far, with {@code complete} false; or null
   */
  public Trainer.Result partial() {
    return partial;
  }

  TrainingDivergedException withPartial(Trainer.Result result) {
    this.partial = result;
    return this;
  }
}
