package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.observe.EventLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Follows the worker processes of a local run: rank 0's event lines feed the progress printer and
 * the curve; a watcher stops every worker as soon as one exits non-zero, and the failure names
 * the worker and shows the end of its log.
 */
final class WorkerSupervisor {
  private WorkerSupervisor() {
  }

  /** Rank 0's curve, the work it applied whenever that changed, and its final event. */
  record Outcome(List<EvaluationReport> curve, List<AppliedRound> applied, EventLine done) {
  }

  /** Reads rank 0's events until it ends; a watcher stops everyone as soon as any worker fails. */
  static Outcome follow(List<Process> processes, List<Path> logFiles, List<PlannedWorker> plan, int epochs,
      ProgressPrinter progress) throws IOException {
    String[] failure = new String[1];
    int[] failureExit = new int[1];
    Thread watcher = new Thread(() -> {
      while (failure[0] == null) {
        for (int i = 0; i < processes.size(); i++) {
          Process p = processes.get(i);
          if (!p.isAlive() && p.exitValue() != 0) {
            synchronized (failure) {
              if (failure[0] == null) {
                failure[0] = "worker " + plan.get(i).worker() + " (rank " + i + ") exited with code " + p.exitValue()
                    + meaning(p.exitValue()) + "; last lines of " + logFiles.get(i) + ":\n" + tail(logFiles.get(i), 12);
                failureExit[0] = RunFailure.forWorkerExit(p.exitValue());
              }
            }
            processes.forEach(Process::destroyForcibly);
            return;
          }
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "worker-watcher");
    watcher.setDaemon(true);
    watcher.start();
    List<EvaluationReport> curve = new ArrayList<>();
    List<AppliedRound> applied = new ArrayList<>();
    EventLine done = null;
    Process rank0 = processes.get(0);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(rank0.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFiles.get(0).resolveSibling(
            logFiles.get(0).getFileName() + ".events"), StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = reader.readLine()) != null) {
        log.println(line);
        EventLine event = EventLine.parse(line);
        if (event == null) {
          continue;
        }
        switch (event.kind()) {
          case "round" -> progress.onRound(EventLine.toRound(event));
          case "eval" -> {
            EvaluationReport report = EventLine.toEvaluation(event);
            curve.add(report);
            progress.onEvaluation(report, epochs);
          }
          case "applied" -> applied.add(EventLine.toApplied(event));
          case "done" -> done = event;
          default -> {
          }
        }
      }
    } catch (IOException e) {
      // rank 0 was killed; the failure recorded below explains why
    }
    progress.finish();
    try {
      for (Process p : processes) {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      watcher.interrupt();
      watcher.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (failure) {
      if (failure[0] != null) {
        throw new RunFailure(failure[0], failureExit[0]);
      }
    }
    for (int i = 0; i < processes.size(); i++) {
      if (processes.get(i).exitValue() != 0) {
        int exit = processes.get(i).exitValue();
        throw new RunFailure("worker " + plan.get(i).worker() + " exited with code " + exit + meaning(exit) + "; last lines of "
            + logFiles.get(i) + ":\n" + tail(logFiles.get(i), 12), RunFailure.forWorkerExit(exit));
      }
    }
    if (done == null || curve.isEmpty()) {
      throw new RunFailure("rank 0 ended without finishing the run; see " + logFiles.get(0) + ":\n" + tail(logFiles.get(0), 12));
    }
    return new Outcome(curve, applied, done);
  }

  private static String meaning(int exit) {
    return exit == ExitCodes.NO_DEVICE ? " (no usable CUDA device)" : "";
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "    " + String.join("\n    ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "    (no log: " + e.getMessage() + ")";
    }
  }

}
