package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.inference.InferenceModel;
import dev.recur.kernel.KernelSelection;
import dev.recur.layer.EngineKernels;
import dev.recur.layer.FrozenModels;
import org.junit.jupiter.api.Test;

/** The public engine choice reaches the kernels it names, through every way of making a model. */
class EngineTest {

  private static final Parameters WEIGHTS =
      Parameters.initialize(RnnConfig.builder(3, 5, 2).layers(2).seed(1).build());

  @Test
  void eachEngineStandsForItsKernels() {
    assertSame(KernelSelection.scalar(), EngineKernels.of(Engine.SCALAR));
    assertSame(KernelSelection.kernels(), EngineKernels.of(Engine.PREFERRED));
    assertEquals(KernelSelection.scalar().description(), Engine.SCALAR.description());
    assertEquals(KernelSelection.kernels().description(), Engine.PREFERRED.description());
  }

  @Test
  void everyModelKeepsTheEngineItWasGiven() {
    for (Engine engine : Engine.values()) {
      assertEquals(engine, new ElmanRnn(WEIGHTS, engine).engine());
      assertEquals(engine, ElmanRnn.frozen(WEIGHTS, engine).engine());
      InferenceModel served = new InferenceModel(WEIGHTS, engine, Precision.BF16);
      assertEquals(engine, served.engine());
      assertEquals(engine, served.sequences().engine(), "the sequence model shares the layers");
    }
    assertEquals(Engine.PREFERRED, new ElmanRnn(WEIGHTS).engine());
    assertEquals(Engine.PREFERRED, new InferenceModel(WEIGHTS).engine());
  }

  @Test
  void theFrozenModelFactoryIsInstalledOnceByElmanRnn() {
    new ElmanRnn(WEIGHTS); // initialised: its factory is in place
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> FrozenModels.install((config, engine, layers, head, embedding) -> null));
    assertEquals("a frozen-model factory is installed already", e.getMessage());
  }
}
