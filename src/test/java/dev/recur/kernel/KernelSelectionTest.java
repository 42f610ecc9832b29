package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The implementation in use is the one {@code recur.vector} asked for, so a run meant to test the
 * 256-bit kernels cannot silently test the scalar ones instead.
 */
class KernelSelectionTest {

  @Test
  void selectionFollowsTheProperty() {
    String requested = System.getProperty(KernelSelection.PROPERTY, "auto");
    Kernels kernels = KernelSelection.kernels();
    switch (requested) {
      case "scalar" -> assertSame(KernelSelection.scalar(), kernels);
      case "128", "256", "512" ->
          assertTrue(
              kernels.description().contains(requested + "-bit"),
              "asked for " + requested + " bits, got " + kernels.description());
      default ->
          // auto: with jvm.config the incubator module is present and C2 is on
          assertTrue(
              kernels.description().startsWith("vector"),
              "auto selection fell back: " + kernels.description());
    }
  }

  @Test
  void rejectsUnknownValues() {
    KernelSelection.kernels(); // the choice is made once, before the property is spoiled below
    String saved = System.getProperty(KernelSelection.PROPERTY);
    try {
      System.setProperty(KernelSelection.PROPERTY, "vector");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, KernelSelection::requestedBits);
      assertEquals(
          "system property recur.vector must be one of auto, scalar, 128, 256, 512; got 'vector'",
          e.getMessage());
    } finally {
      if (saved == null) {
        System.clearProperty(KernelSelection.PROPERTY);
      } else {
        System.setProperty(KernelSelection.PROPERTY, saved);
      }
    }
  }
}
