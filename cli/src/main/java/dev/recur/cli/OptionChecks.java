package dev.recur.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks of a command's options, made before the command reads or allocates anything: a
 * value out of range is a usage error (exit 2) that names the option, what it accepts and what
 * came.
 */
final class OptionChecks {

  private final CommandSpec spec;

  OptionChecks(CommandSpec spec) {
    this.spec = spec;
  }

  OptionChecks atLeast(String option, long value, long minimum) {
    if (value < minimum) {
      throw refuse(option, "must be at least " + minimum, value);
    }
    return this;
  }

  OptionChecks atMost(String option, long value, long maximum, String why) {
    if (value > maximum) {
      throw refuse(option, "must be at most " + maximum + " (" + why + ")", value);
    }
    return this;
  }

  /** A finite value ≥ {@code minimum} (NaN and infinities are refused). */
  OptionChecks finiteAtLeast(String option, double value, double minimum) {
    if (!Double.isFinite(value) || value < minimum) {
      throw refuse(option, "must be a finite number ≥ " + plain(minimum), value);
    }
    return this;
  }

  /** A finite value &gt; {@code minimum}. */
  OptionChecks finiteAbove(String option, double value, double minimum) {
    if (!Double.isFinite(value) || value <= minimum) {
      throw refuse(option, "must be a finite number > " + plain(minimum), value);
    }
    return this;
  }

  /** A finite value in {@code [minimum, maximumExcluded)}. */
  OptionChecks finiteInRange(String option, double value, double minimum, double maximumExcluded) {
    if (!Double.isFinite(value) || value < minimum || value >= maximumExcluded) {
      throw refuse(option, "must be a finite number in [" + plain(minimum) + ", "
          + plain(maximumExcluded) + ")", value);
    }
    return this;
  }

  /**
   * Refuses any of {@code options} given on the command line: they mean nothing in {@code
   * context} (e.g. "--task CHARS"), and silently ignoring them would let a user believe they
   * took effect.
   */
  OptionChecks notGiven(String context, String... options) {
    for (String option : options) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(spec.commandLine(), option + " does not apply to " + context);
      }
    }
    return this;
  }

  /** {@link #notGiven} unless {@code applies}: options that only some tasks read. */
  OptionChecks onlyIf(boolean applies, String context, String... options) {
    return applies ? this : notGiven(context, options);
  }

  /** A file option ({@code value}) that {@code context} needs, or refuses when it reads none. */
  OptionChecks fileNeededIf(boolean needed, String context, String option, Object value) {
    if (needed && value == null) {
      throw refuse(option, "is needed by " + context, "none");
    }
    return onlyIf(needed, context, option);
  }

  /** A usage error about {@code option}, for checks that need more than a range. */
  ParameterException refuse(String option, String rule, Object value) {
    return new ParameterException(spec.commandLine(), option + " " + rule + "; got " + value);
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
