package dev.recur;

import java.util.Objects;

/**
 * Targets {@code d_t} for a batch: at every step (many-to-many) or at the last step only
 * (many-to-one); vectors of O values, or class indices for {@link Loss#CROSS_ENTROPY}.
 *
 * <p>Layout for every-step targets: row {@code r = t*B + b} (as in {@link Inputs}), vector values
 * at {@code [r*O, r*O + O)}, a class at {@code [r]}. For last-step targets the row is {@code b}.
 */
public final class Targets {

  private final boolean everyStep;
  private final int firstStep;
  private final float[] values;
  private final int[] classes;

  private Targets(boolean everyStep, int firstStep, float[] values, int[] classes) {
    if (firstStep < 0) {
      throw new IllegalArgumentException("first step must be at least 0; got " + firstStep);
    }
    this.everyStep = everyStep;
    this.firstStep = firstStep;
    this.values = values;
    this.classes = classes;
  }

  /**
   * A target vector at every step: {@code steps × batch × O} values.
   *
   * @param values T·B·O finite floats, row {@code t·B + b} at {@code (t·B + b)·O}; held, not
   *     copied (checked against each pass)
   * @return the targets
   * @throws NullPointerException if {@code values} is null
   */
  public static Targets everyStep(float[] values) {
    return everyStepFrom(0, values);
  }

  /**
   * A target vector at every step from {@code firstStep} on: {@code (steps - firstStep) × batch ×
   * O} values, row {@code (t - firstStep)·B + b}. Earlier steps carry no loss (a warm-up, or the
   * look-back part of a truncated-BPTT window).
   *
   * @param firstStep the first step with a target, ≥ 0 and below the pass's T
   * @param values (T − firstStep)·B·O finite floats; held, not copied
   * @return the targets
   * @throws IllegalArgumentException if {@code firstStep} is negative
   * @throws NullPointerException if {@code values} is null
   */
  public static Targets everyStepFrom(int firstStep, float[] values) {
    return new Targets(true, firstStep, Objects.requireNonNull(values, "values"), null);
  }

  /**
   * A target vector at the last step of each sequence: {@code batch × O} values.
   *
   * @param values B·O finite floats, sequence b's at {@code b·O}; held, not copied
   * @return the targets
   * @throws NullPointerException if {@code values} is null
   */
  public static Targets lastStep(float[] values) {
    return new Targets(false, 0, Objects.requireNonNull(values, "values"), null);
  }

  /**
   * A class index at every step: {@code steps × batch} indices in {@code [0, O)}.
   *
   * @param classes T·B class indices, row {@code t·B + b}; held, not copied
   * @return the targets
   * @throws NullPointerException if {@code classes} is null
   */
  public static Targets everyStepClasses(int[] classes) {
    return everyStepClassesFrom(0, classes);
  }

  /**
   * A class index at every step from {@code firstStep} on; see {@link #everyStepFrom}.
   *
   * @param firstStep the first step with a target, ≥ 0 and below the pass's T
   * @param classes (T − firstStep)·B class indices in [0, O); held, not copied
   * @return the targets
   * @throws IllegalArgumentException if {@code firstStep} is negative
   * @throws NullPointerException if {@code classes} is null
   */
  public static Targets everyStepClassesFrom(int firstStep, int[] classes) {
    return new Targets(true, firstStep, null, Objects.requireNonNull(classes, "classes"));
  }

  /**
   * A class index at the last step of each sequence: {@code batch} indices in {@code [0, O)}.
   *
   * @param classes B class indices, one per sequence; held, not copied
   * @return the targets
   * @throws NullPointerException if {@code classes} is null
   */
  public static Targets lastStepClasses(int[] classes) {
    return new Targets(false, 0, null, Objects.requireNonNull(classes, "classes"));
  }

  /**
   * True for many-to-many targets, false for many-to-one.
   *
   * @return whether there is a target at every step (from the first step on)
   */
  public boolean everyStep() {
    return everyStep;
  }

  /**
   * The first step with a target: 0 (or the given one) for every-step targets, {@code steps - 1}
   * for last-step targets.
   */
  int firstStep(int steps) {
    return everyStep ? firstStep : steps - 1;
  }

  float[] values() {
    return values;
  }

  int[] classes() {
    return classes;
  }

  /** Checks the targets against a pass's shape and loss; called once per pass. */
  void validate(Loss loss, int steps, int batch, int outputSize) {
    if (firstStep >= steps) {
      throw new IllegalArgumentException(
          "targets start at step " + firstStep + " of a pass of only " + steps + " steps");
    }
    int rows = (steps - firstStep(steps)) * batch;
    if (loss.takesClassIndices()) {
      if (classes == null) {
        throw new IllegalArgumentException(loss + " needs class indices; got target vectors");
      }
      if (classes.length != rows) {
        throw new IllegalArgumentException(
            "target count " + classes.length + ", expected " + shape(steps, batch) + " = " + rows);
      }
      for (int r = 0; r < rows; r++) {
        if (classes[r] < 0 || classes[r] >= outputSize) {
          throw new IllegalArgumentException(
              "target class " + classes[r] + " at row " + r + " is out of range [0, "
                  + outputSize + ")");
        }
      }
    } else {
      if (values == null) {
        throw new IllegalArgumentException(loss + " needs target vectors; got class indices");
      }
      if (values.length != rows * outputSize) {
        throw new IllegalArgumentException(
            "target length " + values.length + ", expected " + shape(steps, batch) + " × outputSize "
                + outputSize + " = " + rows * outputSize);
      }
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new IllegalArgumentException("target value at index " + i + " is " + values[i]);
        }
      }
    }
  }

  private String shape(int steps, int batch) {
    return everyStep
        ? "steps " + (steps - firstStep) + " × batch " + batch
        : "batch " + batch;
  }
}
