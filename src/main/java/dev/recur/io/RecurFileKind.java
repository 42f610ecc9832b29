package dev.recur.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The kinds of file recur writes, told apart by their first 8 bytes, so that a file given where
 * another kind belongs is named for what it is ("a training checkpoint, not a model") instead
 * of as corrupt.
 */
public enum RecurFileKind {
  /** A model ({@link ModelFile}). */
  MODEL("recurRNN", "a recur model file"),
  /** A {@link dev.recur.train.Trainer} checkpoint. */
  TRAINING_CHECKPOINT("recurCKP", "a recur training checkpoint (train --checkpoint)"),
  /** A {@link dev.recur.train.StreamTrainer} checkpoint. */
  STREAM_CHECKPOINT("recurSTR", "a recur character-stream checkpoint (train --task CHARS --checkpoint)");

  private final byte[] magic;
  private final String description;

  RecurFileKind(String magic, String description) {
    this.magic = magic.getBytes(StandardCharsets.US_ASCII);
    this.description = description;
  }

  /**
   * The 8 bytes every file of this kind starts with.
   *
   * @return a new copy of the 8 ASCII magic bytes, such as "recurRNN"
   */
  public byte[] magic() {
    return magic.clone();
  }

  /**
   * What a user would call it, e.g. "a recur training checkpoint (train --checkpoint)".
   *
   * @return the description, with its article, for messages
   */
  public String description() {
    return description;
  }

  /**
   * Why a file that starts with {@code head} ({@code length} bytes read) is not of kind {@code
   * expected}, or null when it starts as one (a file shorter than the magic that begins like it
   * is left to the reader to call truncated).
   *
   * @param expected the kind the caller wants
   * @param head the file's first bytes; not modified
   * @param length how many bytes of {@code head} were read, ≥ 0
   * @return null if the file starts as {@code expected}; else "is &lt;another kind&gt;, not
   *     &lt;expected&gt;" or "not &lt;expected&gt; (wrong magic bytes)"
   */
  public static String mismatch(RecurFileKind expected, byte[] head, int length) {
    int compared = Math.min(length, 8);
    if (Arrays.equals(head, 0, compared, expected.magic, 0, compared)) {
      return null;
    }
    for (RecurFileKind kind : values()) {
      if (length >= 8 && Arrays.equals(head, 0, 8, kind.magic, 0, 8)) {
        return "is " + kind.description + ", not " + expected.description;
      }
    }
    return "not " + expected.description + " (wrong magic bytes)";
  }
}
