package dev.recur.layer;

import dev.recur.ElmanRnn;
import dev.recur.Engine;
import dev.recur.RnnConfig;

/**
 * Builds a forward-only {@link ElmanRnn} over frozen parts that another recur package already
 * made, so that {@link dev.recur.inference.InferenceModel} serves whole sequences with the very
 * layers its streams step. {@code ElmanRnn} cannot offer this publicly (its API shows no layer
 * types), so it installs its private factory here when it is initialised.
 */
public final class FrozenModels {

  /** The factory {@link ElmanRnn} installs; see {@link FrozenModels#of}. */
  public interface Factory {
    /** A forward-only model over these parts; see {@link FrozenModels#of}. */
    ElmanRnn of(RnnConfig config, Engine engine, ElmanLayer[] layers, LinearHead head,
        Embedding embedding);
  }

  private static volatile Factory factory;

  private FrozenModels() {}

  /**
   * Called once, by {@link ElmanRnn}'s static initialiser.
   *
   * @throws IllegalStateException if a factory is installed already
   */
  public static synchronized void install(Factory installed) {
    if (factory != null) {
      throw new IllegalStateException("a frozen-model factory is installed already");
    }
    factory = installed;
  }

  /**
   * A forward-only model over frozen parts ({@link ElmanLayer#frozen} and the like; layer l's
   * direction d at {@code l·D + d}; the head and embedding null where the config has none),
   * shared rather than copied.
   *
   * @throws IllegalArgumentException if the parts do not make a model of {@code config}
   */
  public static ElmanRnn of(RnnConfig config, Engine engine, ElmanLayer[] layers,
      LinearHead head, Embedding embedding) {
    Factory installed = factory;
    if (installed == null) {
      initialise(ElmanRnn.class); // its static initialiser installs the factory
      installed = factory;
    }
    return installed.of(config, engine, layers, head, embedding);
  }

  private static void initialise(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(type + " is loaded already", e);
    }
  }
}
