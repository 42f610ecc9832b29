package dev.recur.layer;

import dev.recur.Engine;
import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;

/** The kernels behind each {@link Engine}: the public choice, mapped onto the internal layer. */
public final class EngineKernels {

  private EngineKernels() {}

  /** {@link KernelSelection#kernels()} for {@link Engine#PREFERRED}, the scalar kernels for {@link Engine#SCALAR}. */
  public static Kernels of(Engine engine) {
    return switch (engine) {
      case PREFERRED -> KernelSelection.kernels();
      case SCALAR -> KernelSelection.scalar();
    };
  }
}
