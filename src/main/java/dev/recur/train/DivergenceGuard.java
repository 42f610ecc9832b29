package dev.recur.train;

import dev.recur.Engine;
import dev.recur.GradientClipping;
import dev.recur.Parameters;
import dev.recur.Tensor;

/**
 * Watches every update for a NaN or infinite loss or gradient and applies a {@link
 * DivergencePolicy}: lets the update go ahead, tells the trainer to skip it, or stops the run
 * with a {@link TrainingDivergedException} that names the update, the tensor entry and the last
 * finite loss. Its counts go into checkpoints, so a resumed run skips and stops as the run that
 * never stopped would.
 */
final class DivergenceGuard {

  private DivergencePolicy policy;
  private int skippedInARow;
  private long skipped;
  private long lastFiniteUpdate;
  private double lastFiniteLoss = Double.NaN;
  private double norm;

  private final Engine engine;

  /** @param engine the model's, which the gradient norm is summed on */
  DivergenceGuard(DivergencePolicy policy, Engine engine) {
    this.policy = java.util.Objects.requireNonNull(policy, "policy");
    this.engine = java.util.Objects.requireNonNull(engine, "engine");
  }

  void policy(DivergencePolicy policy) {
    this.policy = java.util.Objects.requireNonNull(policy, "policy");
  }

  /** Counts restored from a checkpoint. */
  void restore(int skippedInARow, long skipped, long lastFiniteUpdate, double lastFiniteLoss) {
    this.skippedInARow = skippedInARow;
    this.skipped = skipped;
    this.lastFiniteUpdate = lastFiniteUpdate;
    this.lastFiniteLoss = lastFiniteLoss;
  }

  /**
   * True when update {@code update} may go ahead ({@link #norm()} is then its gradient norm);
   * false when it is to be skipped; throws {@link TrainingDivergedException} when the policy
   * says stop.
   */
  boolean admit(long update, double loss, Parameters gradients) {
    String problem;
    if (!Double.isFinite(loss)) {
      problem = "the loss is " + loss;
    } else {
      norm = GradientClipping.globalNorm(gradients, engine);
      problem = Double.isFinite(norm) ? null : gradientProblem(gradients);
    }
    if (problem == null) {
      skippedInARow = 0;
      lastFiniteUpdate = update;
      lastFiniteLoss = loss;
      return true;
    }
    if (skippedInARow < policy.maxInARow()) {
      skippedInARow++;
      skipped++;
      return false;
    }
    String last = lastFiniteUpdate == 0
        ? "no finite loss before it"
        : "last finite loss " + lastFiniteLoss + " at update " + lastFiniteUpdate;
    String skips = policy.maxInARow() == 0 ? ""
        : "; after " + skippedInARow + " skipped updates in a row (" + skipped + " skipped in all)";
    throw new TrainingDivergedException(
        "update " + update + ": " + problem + "; " + last + skips, update);
  }

  /** The gradient norm of the last update {@link #admit} let through. */
  double norm() {
    return norm;
  }

  int skippedInARow() {
    return skippedInARow;
  }

  /** Updates skipped in the whole run. */
  long skipped() {
    return skipped;
  }

  long lastFiniteUpdate() {
    return lastFiniteUpdate;
  }

  double lastFiniteLoss() {
    return lastFiniteLoss;
  }

  /** What made the gradient norm ({@link #norm}) non-finite. */
  private String gradientProblem(Parameters gradients) {
    // name the first non-finite entry, or, when every entry is finite and only their sum of
    // squares overflowed, the largest one
    Tensor largest = null;
    int largestAt = 0;
    for (Tensor t : gradients.tensors()) {
      float[] v = t.values();
      for (int i = 0; i < t.size(); i++) {
        if (!Float.isFinite(v[i])) {
          return "gradient " + t.name() + "[" + i + "] is " + v[i];
        }
        if (largest == null || Math.abs(v[i]) > Math.abs(largest.values()[largestAt])) {
          largest = t;
          largestAt = i;
        }
      }
    }
    return "the gradient norm is " + norm + " (largest entry " + largest.name() + "[" + largestAt
        + "] = " + largest.values()[largestAt] + ")";
  }
}
