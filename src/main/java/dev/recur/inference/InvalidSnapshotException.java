package dev.recur.inference;

/**
 * A stream snapshot that {@code restore} refuses (see {@link StreamSnapshot}): truncated,
 * corrupted (checksum), not a snapshot at all, of a newer format version, of another model, or
 * holding NaN or infinity. The message names the problem. The stream it was given to is left as
 * it was. An {@link IllegalArgumentException}, so code that already handles bad arguments
 * handles it; catch this type to tell a bad stored state from a bad call.
 */
public final class InvalidSnapshotException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  InvalidSnapshotException(String problem) {
    super(problem);
  }
}
