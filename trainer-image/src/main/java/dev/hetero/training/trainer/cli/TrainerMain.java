package dev.hetero.training.trainer.cli;

import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.trainer.bench.Bench;
import dev.hetero.training.trainer.bench.BenchOptions;
import dev.hetero.training.trainer.data.DataFormatException;
import dev.hetero.training.trainer.runner.LocalRunner;
import dev.hetero.training.trainer.runner.RunFailure;
import dev.hetero.training.trainer.runner.RunOptions;
import dev.hetero.training.trainer.worker.WorkerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Entry point of hetero-trainer.jar:
 * <pre>
 *   run &lt;job.yaml&gt; [flags]   train a HeteroTrainingJob on this machine, one process per worker
 *   worker                    one worker, configured from the environment and the plan file (pods use this)
 *   bench [flags]             simulated 2 fast + 2 slow workers on a virtual clock, every algorithm
 *   selfcheck                 load the engine offline, print versions, exit 0 (the image build runs it)
 * </pre>
 */
public final class TrainerMain {
  private TrainerMain() {
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  static int execute(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.print(Usage.TEXT);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "run" -> {
          RunOptions options = Flags.runOptions(rest);
          new LocalRunner(out).run(options);
        }
        case "worker" -> new WorkerProcess(System.getenv(), out, err).run();
        case "selfcheck" -> SelfCheck.run(System.getenv(), out);
        case "bench" -> {
          BenchOptions options = Flags.benchOptions(rest);
          new Bench(out).run(options);
        }
        default -> {
          err.println("unknown command '" + args[0] + "'\n");
          err.print(Usage.TEXT);
          return 2;
        }
      }
      return 0;
    } catch (Flags.UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("run with --help for the flags");
      return 2;
    } catch (RunFailure | JobManifests.InvalidManifestException | DataFormatException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }
}
