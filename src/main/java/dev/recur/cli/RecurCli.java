package dev.recur.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, for {@link #main}, tests and tools that embed the CLI (the
   * benchmark report runs {@code latency} through it).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new RecurCli())
        .setExecutionExceptionHandler(
            (e, line, parsed) -> {
              line.getErr().println("recur: " + e.getMessage());
              return 1;
            });
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
