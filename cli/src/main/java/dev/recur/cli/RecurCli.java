package dev.recur.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code recur} command line. Errors in the input (a bad file, a malformed line) are printed
 * as one line naming what was wrong, with exit status 1; usage errors exit with 2.
 */
@Command(
    name = "recur",
    mixinStandardHelpOptions = true,
    version = "recur 0.1.0",
    description = "Elman RNNs on the Java Vector API.",
    subcommands = {
      TrainCommand.class, EvalCommand.class, GenerateCommand.class, ConvertCommand.class,
      PredictCommand.class,
      DemoCommand.class,
      LatencyCommand.class
    })
public final class RecurCli implements Callable<Integer> {

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "on failure, print the stack trace under the one-line message; log which"
          + " kernels the library chose")
  boolean verbose;

  /**
   * The library's loggers' parent. Held here because the logging framework keeps loggers only
   * weakly, and a level set on a collected logger is lost.
   */
  private static final Logger LIBRARY_LOG = Logger.getLogger("dev.recur");

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, for {@link #main}, tests and tools that embed the CLI (the
   * benchmark report runs {@code latency} through it).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new RecurCli())
        .setCaseInsensitiveEnumValuesAllowed(true) // --precision int8 as well as INT8
        .setExecutionStrategy(RecurCli::runReportingErrors)
        .setParameterExceptionHandler(RecurCli::usageError)
        .setExecutionExceptionHandler(
            (e, line, parsed) -> {
              Throwable error = e instanceof FatalError ? e.getCause() : e;
              line.getErr().println("recur: " + ErrorMessages.describe(error));
              if (verbose(parsed)) {
                error.printStackTrace(line.getErr());
              }
              line.getErr().flush();
              return 1;
            });
  }

  /**
   * Runs the chosen command; an {@link Error} such as {@link OutOfMemoryError} (which picocli
   * would let through as a stack trace) is handed to the error handler like any other failure. By then the command's
   * own arrays are unreachable, so there is memory again to print the message.
   */
  private static int runReportingErrors(ParseResult parsed) {
    // the library logs its kernel choice at INFO on every run: for --verbose only, so that a
    // command's standard error holds its own messages; a fallback to scalar kernels still warns
    LIBRARY_LOG.setLevel(verbose(parsed) ? Level.INFO : Level.WARNING);
    try {
      return new CommandLine.RunLast().execute(parsed);
    } catch (Error e) { // OutOfMemoryError above all, but StackOverflowError and the like too
      List<CommandLine> commands = parsed.asCommandLineList();
      throw new CommandLine.ExecutionException(
          commands.get(commands.size() - 1), "out of memory", new FatalError(e));
    }
  }

  /** An option or argument that does not parse or validate: one line and a pointer to --help. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println("recur: " + e.getMessage());
    command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for the"
        + " options.");
    command.getErr().flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Whether {@code --verbose} was given to the command or any subcommand. */
  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Carries an {@link Error} through picocli's handling of exceptions, which lets errors through. */
  private static final class FatalError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalError(Error cause) {
      super(cause);
    }
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
