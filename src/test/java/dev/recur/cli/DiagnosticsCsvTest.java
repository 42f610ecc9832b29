package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    try (DiagnosticsCsv diagnostics = new DiagnosticsCsv(target, false, 2)) {
      diagnostics.accept(new Trainer.Update(1, 0.5, 2.0, false, new float[] {0.25f, 0.125f}));
      // what a kill -9 now would leave: the line is there, before any checkpoint is written
      assertEquals(List.of("update,loss,gradient_norm,clipped,dh_0,dh_1", "1,0.5,2.0,false,0.25,0.125"),
          Files.readAllLines(DiagnosticsCsv.partialOf(target)));
    }
  }
}
