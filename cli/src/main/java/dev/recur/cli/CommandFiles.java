package dev.recur.cli;

import dev.recur.io.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The files one command reads and writes, checked before it starts work: every input exists and
 * is a readable file, every output's folder exists, and no output is the same file as an input
 * or as another output (compared by real path, so {@code ./d.csv} and {@code d.csv}, or a link
 * and its target, count as one). {@link #removeStaleTemporaries} then clears what an earlier run
 * of the same outputs left behind when it was killed.
 */
final class CommandFiles {

  private record Role(String option, Path path, boolean output) {}

  private final CommandSpec spec;
  private final List<Role> roles = new ArrayList<>();
  private final List<Path[]> allowedPairs = new ArrayList<>();

  CommandFiles(CommandSpec spec) {
    this.spec = spec;
  }

  /** An input; {@code null} (an option not given) is skipped. */
  CommandFiles input(String option, Path path) {
    if (path != null) {
      roles.add(new Role(option, path, false));
    }
    return this;
  }

  /** An output; {@code null} is skipped. */
  CommandFiles output(String option, Path path) {
    if (path != null) {
      roles.add(new Role(option, path, true));
    }
    return this;
  }

  /** {@code output} may be the file {@code input} was (a checkpoint resumed and written again). */
  CommandFiles mayReplace(Path output, Path input) {
    if (output != null && input != null) {
      allowedPairs.add(new Path[] {output, input});
    }
    return this;
  }

  /** Checks every file; throws a usage error naming the option and the problem. */
  void check() {
    for (Role role : roles) {
      if (role.output()) {
        checkOutput(role);
      } else {
        checkInput(role);
      }
    }
    for (int i = 0; i < roles.size(); i++) {
      for (int j = i + 1; j < roles.size(); j++) {
        Role a = roles.get(i);
        Role b = roles.get(j);
        if ((a.output() || b.output()) && !allowed(a, b) && sameFile(a.path(), b.path())) {
          throw new ParameterException(spec.commandLine(), a.option() + " " + a.path() + " and "
              + b.option() + " " + b.path() + " are the same file; writing "
              + (a.output() ? a.option() : b.option()) + " would replace "
              + (a.output() && b.output() ? "the other" : "the input") + ". Name another file");
        }
      }
    }
  }

  /**
   * Deletes the temporary files that recur itself makes beside each output and that a killed run
   * leaves behind ({@code .NAME.<digits>.tmp} from atomic writes, {@code NAME.partial} from
   * streamed diagnostics), and says so on {@code console}. Call after {@link #check}. An input of
   * the command is never removed, whatever its name, nor any file of {@code keep}.
   */
  void removeStaleTemporaries(PrintWriter console, Path... keep) throws IOException {
    List<Path> untouchable = new ArrayList<>(List.of(keep));
    roles.stream().filter(r -> !r.output()).forEach(r -> untouchable.add(r.path()));
    for (Role role : roles) {
      if (!role.output()) {
        continue;
      }
      Path target = AtomicFile.writtenFile(role.path()); // temporaries lie beside a link's target
      String name = target.getFileName().toString();
      Pattern atomic = Pattern.compile("\\." + Pattern.quote(name) + "\\.\\d+\\.tmp");
      try (Stream<Path> siblings = Files.list(target.getParent())) {
        for (Path stale : siblings.filter(p -> atomic.matcher(p.getFileName().toString()).matches()
            || p.getFileName().toString().equals(name + ".partial")).toList()) {
          if (Files.isRegularFile(stale) && untouchable.stream().noneMatch(p -> sameFile(p, stale))
              && Files.deleteIfExists(stale)) {
            console.println("removed " + stale + ", left by an earlier run that did not finish");
          }
        }
      }
    }
  }

  private void checkInput(Role role) {
    Path path = role.path();
    if (path.toString().isEmpty()) {
      throw refuse(role, "is empty; name a file to read");
    }
    if (!Files.exists(path)) {
      throw refuse(role, "no such file");
    }
    if (Files.isDirectory(path)) {
      throw refuse(role, "is a folder, not a file");
    }
    if (!Files.isReadable(path)) {
      throw refuse(role, "permission denied (cannot be read)");
    }
  }

  private void checkOutput(Role role) {
    Path path = role.path();
    if (path.toString().isEmpty()) {
      throw refuse(role, "is empty; name a file to write");
    }
    Path target; // what will be written: through links, as AtomicFile writes
    try {
      target = AtomicFile.writtenFile(path);
    } catch (java.nio.file.FileSystemException e) {
      throw refuse(role, e.getReason() != null ? e.getReason() : ErrorMessages.describe(e));
    } catch (IOException e) {
      throw refuse(role, ErrorMessages.describe(e));
    }
    Path folder = target.getParent(); // not null: the root is a folder, refused above
    if (!Files.isDirectory(folder)) {
      throw refuse(role, "folder " + folder + " does not exist");
    }
    if (!Files.isWritable(folder)) {
      throw refuse(role, "permission denied (folder " + folder + " is not writable)");
    }
  }


  private ParameterException refuse(Role role, String problem) {
    return new ParameterException(spec.commandLine(), role.option() + " " + role.path() + ": " + problem);
  }

  private boolean allowed(Role a, Role b) {
    for (Path[] pair : allowedPairs) {
      if ((pair[0] == a.path() && pair[1] == b.path()) || (pair[0] == b.path() && pair[1] == a.path())) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b); // also hard links
      }
      return canonical(a).equals(canonical(b));
    } catch (IOException e) {
      return canonical(a).equals(canonical(b));
    }
  }

  /** The real path of the file's folder with its name: defined for files not yet written. */
  private static Path canonical(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    try {
      return absolute.getParent().toRealPath().resolve(absolute.getFileName());
    } catch (IOException e) {
      return absolute;
    }
  }
}
