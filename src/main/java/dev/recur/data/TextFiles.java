package dev.recur.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Strict UTF-8 reading shared by the loaders: malformed bytes and empty files are errors. */
final class TextFiles {

  private TextFiles() {}

  static String read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      throw new BadDataException(file, "the file is empty");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadDataException(file, "is not valid UTF-8 text");
    }
  }

  static List<String> lines(Path file) throws IOException {
    return read(file).lines().toList();
  }
}
