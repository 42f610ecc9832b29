package dev.recur.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the kernels once, when this class is first used, and reports the choice.
 *
 * <p>The system property {@value #PROPERTY} decides:
 *
 * <ul>
 *   <li>{@code auto} (the default): the Vector API at the machine's preferred width, or the scalar
 *       kernels where the Vector API cannot be used (module not added, preferred width under 128
 *       bits, no C2 compiler, which would run vector code as slow Java, or no hardware FMA, which
 *       the vector kernels' every product relies on);
 *   <li>{@code scalar}: the scalar kernels;
 *   <li>{@code 128}, {@code 256}, {@code 512}: the Vector API at that width even where the
 *       hardware is narrower (then slow, but exact: this is how tests cover every width).
 * </ul>
 *
 * Anything else is rejected with an {@link IllegalStateException} naming the accepted values.
 */
public final class KernelSelection {

  /** The system property that forces an implementation. */
  public static final String PROPERTY = "recur.vector";

  private static final System.Logger LOG = System.getLogger(KernelSelection.class.getName());

  private static final Kernels SELECTED = select();

  private KernelSelection() {}

  /**
   * Prints the kernels this JVM selects, e.g. {@code java @jvm.config -cp recur.jar
   * dev.recur.kernel.KernelSelection}.
   */
  public static void main(String[] args) {
    System.out.println(SELECTED.description());
  }

  /** The kernels chosen at start-up. */
  public static Kernels kernels() {
    return SELECTED;
  }

  /** The scalar reference kernels, whatever was selected. */
  public static Kernels scalar() {
    return ScalarKernels.INSTANCE;
  }

  /** The vector width requested by {@value #PROPERTY}: 0 for the preferred width, -1 for scalar. */
  static int requestedBits() {
    String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "auto", "" -> 0;
      case "scalar" -> -1;
      case "128" -> 128;
      case "256" -> 256;
      case "512" -> 512;
      default ->
          throw new IllegalStateException(
              "system property "
                  + PROPERTY
                  + " must be one of auto, scalar, 128, 256, 512; got '"
                  + value
                  + "'");
    };
  }

  private static Kernels select() {
    int bits = requestedBits();
    Kernels chosen = bits < 0 ? ScalarKernels.INSTANCE : vectorOrFallback(bits == 0);
    LOG.log(System.Logger.Level.INFO, "recur kernels: {0}", chosen.description());
    return chosen;
  }

  private static Kernels vectorOrFallback(boolean automatic) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return fallback(
          "module jdk.incubator.vector is not readable; launch with"
              + " --add-modules jdk.incubator.vector (see jvm.config)");
    }
    if (automatic && !hasC2()) {
      return fallback("the C2 compiler is off, so vector code would run interpreted");
    }
    boolean hardwareFma = vmFlag("UseFMA").map(Boolean::parseBoolean).orElse(false);
    if (automatic && !hardwareFma) {
      return fallback("the processor has no fused multiply-add the JVM uses (UseFMA is off), so"
          + " the Vector API would compute every lane's fma in software, far slower than the"
          + " scalar kernels");
    }
    try {
      return VectorKernels.create(hardwareFma);
    } catch (UnsupportedOperationException e) {
      return fallback(e.getMessage());
    }
  }

  private static Kernels fallback(String reason) {
    LOG.log(System.Logger.Level.WARNING, "recur: using scalar kernels: {0}", reason);
    return ScalarKernels.INSTANCE;
  }

  private static boolean hasC2() {
    boolean compilerOn = vmFlag("UseCompiler").map(Boolean::parseBoolean).orElse(true);
    int topTier = vmFlag("TieredStopAtLevel").map(Integer::parseInt).orElse(4);
    return compilerOn && topTier >= 4;
  }

  private static Optional<String> vmFlag(String name) {
    try {
      HotSpotDiagnosticMXBean bean =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return bean == null ? Optional.empty() : Optional.of(bean.getVMOption(name).getValue());
    } catch (IllegalArgumentException | LinkageError e) {
      return Optional.empty(); // not a HotSpot VM, or the flag does not exist there
    }
  }
}
