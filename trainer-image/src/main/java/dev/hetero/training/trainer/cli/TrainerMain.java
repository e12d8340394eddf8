package dev.hetero.training.trainer.cli;

import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.trainer.bench.Bench;
import dev.hetero.training.trainer.bench.BenchOptions;
import dev.hetero.training.trainer.bench.CheckpointBench;
import dev.hetero.training.trainer.bench.RebalanceBench;
import dev.hetero.training.trainer.bench.RebalanceBenchOptions;
import dev.hetero.training.trainer.bench.SamBench;
import dev.hetero.training.trainer.bench.SamBenchOptions;
import dev.hetero.training.trainer.bench.StepBench;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.config.TrainerSettings;
import dev.hetero.training.trainer.data.DataFormatException;
import dev.hetero.training.trainer.engine.DeviceSelection;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.process.WorkerProcess;
import dev.hetero.training.trainer.runner.LocalRunner;
import dev.hetero.training.trainer.runner.RunFailure;
import dev.hetero.training.trainer.runner.RunOptions;
import dev.hetero.training.trainer.runner.RunnerEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;

/**
 * Entry point of hetero-trainer.jar:
 * <pre>
 *   run &lt;job.yaml&gt; [flags]   train a HeteroTrainingJob on this machine, one process per worker
 *   worker                    one worker, configured from the environment and the plan file (pods use this)
 *   bench [flags]             simulated 2 fast + 2 slow workers on a virtual clock, every algorithm
 *   checkpoint-bench [flags]  checkpoint size, write and read times for lenet and resnet20
 *   step-bench [flags]        median step cost per model and batch on cpu or gpu
 *   sam-bench [flags]         sgd, sam and asyncSAM at the same budget, several seeds, on a virtual clock (and live)
 *   rebalance-bench [flags]   live rebalancing against static plans on a virtual clock (slowdown mid-run, wrong labels)
 *   selfcheck [--device D]    load the engine offline, compute on cpu or gpu, print versions, exit 0 (the image build runs it)
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
          new LocalRunner(out, RunnerEnvironment.ofThisJvm(TrainerMain.class.getName(), DjlSettings.fromEnv(System.getenv())))
              .run(options);
        }
        case "worker" -> {
          return new WorkerProcess(TrainerSettings.fromEnv(System.getenv()), out, err, Clock.systemUTC()).run();
        }
        case "selfcheck" -> {
          return SelfCheck.run(DjlSettings.fromEnv(System.getenv()), Flags.selfCheckDevice(rest), out, err);
        }
        case "checkpoint-bench" -> {
          CheckpointBench.Options options = Flags.checkpointBenchOptions(rest);
          DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
          Files.createDirectories(options.dir());
          new CheckpointBench(out).run(options.workers(), options.writes(), options.dir());
        }
        case "bench" -> {
          BenchOptions options = Flags.benchOptions(rest);
          DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
          new Bench(out).run(options);
        }
        case "step-bench" -> {
          StepBench.Options options = Flags.stepBenchOptions(rest);
          DjlSettings djl = DjlSettings.fromEnv(System.getenv());
          DjlRuntime.configure(djl);
          DeviceSelection.Choice device = SelfCheck.commandDevice(djl, options.device().isGpu() ? DeviceClass.GPU : DeviceClass.CPU,
              "step-bench");
          if (device instanceof DeviceSelection.NoDevice none) {
            err.println("error: " + none.message());
            return ExitCodes.NO_DEVICE;
          }
          new StepBench(out).run(options);
        }
        case "rebalance-bench" -> {
          RebalanceBenchOptions options = Flags.rebalanceBenchOptions(rest);
          DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
          new RebalanceBench(out).run(options);
        }
        case "sam-bench" -> {
          SamBenchOptions options = Flags.samBenchOptions(rest);
          DjlSettings djl = DjlSettings.fromEnv(System.getenv());
          DjlRuntime.configure(djl);
          new SamBench(out, RunnerEnvironment.ofThisJvm(TrainerMain.class.getName(), djl)).run(options);
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
    } catch (RunFailure e) {
      err.println("error: " + e.getMessage());
      return e.exitCode();
    } catch (JobManifests.InvalidManifestException | DataFormatException | IllegalArgumentException e) {
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
