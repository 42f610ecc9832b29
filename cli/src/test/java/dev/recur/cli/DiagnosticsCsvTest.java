package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.RnnConfig;
import dev.recur.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosticsCsvTest {

  @TempDir Path dir;

  @Test
  void everyLineIsOnDiskAsSoonAsItsUpdateIsReported() throws Exception {
    Path target = dir.resolve("d.csv");
    try (DiagnosticsCsv diagnostics =
        new DiagnosticsCsv(target, false, 2, RnnConfig.builder(3, 4, 2).build())) {
      diagnostics.accept(new Trainer.Update(1, 0.5, 2.0, false, new float[][] {{0.25f, 0.125f}}));
      // what a kill -9 now would leave: the line is there, before any checkpoint is written
      assertEquals(List.of("update,loss,gradient_norm,clipped,dh_0,dh_1", "1,0.5,2.0,false,0.25,0.125"),
          Files.readAllLines(DiagnosticsCsv.partialOf(target)));
    }
  }

  /** Each layer and direction gets its columns, named by PyTorch's suffix, in unit order. */
  @Test
  void aStackWritesEveryLayersAndDirectionsGradientFlow() throws Exception {
    Path target = dir.resolve("stack.csv");
    RnnConfig stack = RnnConfig.builder(3, 4, 2).layers(2).bidirectional(true).build();
    try (DiagnosticsCsv diagnostics = new DiagnosticsCsv(target, false, 2, stack)) {
      diagnostics.accept(new Trainer.Update(3, 0.5, 2.0, true,
          new float[][] {{1f, 2f}, {3f, 4f}, {5f, 6f}, {7f, 8f}}));
      assertEquals(List.of("update,loss,gradient_norm,clipped,dh_l0_0,dh_l0_1,dh_l0_reverse_0,"
              + "dh_l0_reverse_1,dh_l1_0,dh_l1_1,dh_l1_reverse_0,dh_l1_reverse_1",
          "3,0.5,2.0,true,1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0"),
          Files.readAllLines(DiagnosticsCsv.partialOf(target)));
    }
  }
}
