package dev.recur;

import dev.recur.layer.EngineKernels;

/**
 * Which kernels a model computes on. Both compute the same formulas and agree to within
 * rounding; each gives the same bits before and after the JIT compiles it. The internal kernel
 * layer behind them is not part of recur's API.
 */
public enum Engine {
  /**
   * The kernels chosen once at start-up: the Vector API at the machine's preferred width, or the
   * scalar kernels where the Vector API cannot run fast (module {@code jdk.incubator.vector} not
   * readable, no C2 compiler, no hardware FMA), with a logged warning. The system property {@code
   * recur.vector} ({@code auto}, {@code scalar}, {@code 128}, {@code 256}, {@code 512}) forces the
   * choice.
   */
  PREFERRED,
  /** The plain-Java reference kernels, whatever the machine offers. */
  SCALAR;

  /**
   * What this engine runs on in this JVM, for logs: the implementation, and for the Vector API
   * the species' bit size and whether FMA is in hardware.
   *
   * @return a one-line description, such as the implementation's name and vector width
   * @throws ExceptionInInitializerError if the system property {@code recur.vector} holds a value
   *     other than those listed at {@link #PREFERRED} (its cause, an {@link IllegalStateException},
   *     names them); the first model built fails the same way
   */
  public String description() {
    return EngineKernels.of(this).description();
  }
}
