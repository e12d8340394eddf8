package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerHandle;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The coordinator's handles on the workers of the running plan, by rank: who answers a round
 * (step 4, with the straggler cut-off), and who joins and leaves when a plan version changes the
 * workers ({@link Roster}), with each joining worker's first contribution reported.
 */
final class WorkerCrew {
  private List<WorkerHandle> workers;
  private Roster roster = Roster.FIXED;
  private PrintStream log = System.err;
  /** Workers that joined and have not contributed yet: the round the plan brought them. */
  private final Map<String, Long> joinedAt = new HashMap<>();

  WorkerCrew(List<WorkerHandle> byRank) {
    this.workers = byRank;
  }

  void roster(Roster roster) {
    this.roster = roster;
  }

  void log(PrintStream log) {
    this.log = log;
  }

  boolean elastic() {
    return roster.elastic();
  }

  int size() {
    return workers.size();
  }

  WorkerHandle get(int rank) {
    return workers.get(rank);
  }

  List<WorkerHandle> all() {
    return workers;
  }

  /**
   * Step 4: in-process workers train while the remote ones do; then the remote answers are read
   * (null: missed, or not in by {@code cutoff}, a stop request's deadline).
   */
  RoundResult[] collect(LongSupplier cutoff, TrainingListener listener) throws IOException {
    return collect(cutoff, new boolean[workers.size()], 1, -1, listener);
  }

  /**
   * Step 4, with stragglers: the workers in {@code leaveOut} are awaited last, and only until
   * {@code factor} times what the others took ({@link StragglerCutoff}); the round closes without
   * a straggler that is not in by then, and the others are not kept waiting for it.
   */
  RoundResult[] collect(LongSupplier cutoff, boolean[] leaveOut, double factor, long round, TrainingListener listener)
      throws IOException {
    long posted = System.nanoTime();
    RoundResult[] results = new RoundResult[workers.size()];
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).inProcess()) {
        results[i] = workers.get(i).await();
      }
    }
    long t0 = System.nanoTime();
    boolean anyRemote = false;
    for (int i = 0; i < workers.size(); i++) {
      if (!workers.get(i).inProcess() && !leaveOut[i]) {
        anyRemote = true;
        results[i] = workers.get(i).await(cutoff);
      }
    }
    long deadline = StragglerCutoff.deadline(posted, System.nanoTime(), factor);
    LongSupplier straggler = () -> {
      long stopAt = cutoff.getAsLong();
      return stopAt == StopRequest.NO_CUTOFF || deadline - stopAt < 0 ? deadline : stopAt;
    };
    for (int i = 0; i < workers.size(); i++) {
      if (!workers.get(i).inProcess() && leaveOut[i]) {
        anyRemote = true;
        results[i] = workers.get(i).await(straggler);
        if (results[i] == null) {
          log.println(String.format(java.util.Locale.ROOT, "coordinator: straggler %s (rank %d) left out of round %d: not in"
              + " within %.1fx the others' time", workers.get(i).name(), i, round, factor));
        }
      }
    }
    if (anyRemote) {
      listener.onAggregationWait((System.nanoTime() - t0) / 1e9);
    }
    return results;
  }

  /**
   * A plan version changed the workers (step 1b): the staying workers' handles under their new
   * ranks, a new handle for each joining worker (it gets the current model with its first round's
   * command, and its share of a fresh shard plan), and a farewell to each leaving one, which a
   * live worker takes as "finish" with the current model. Nobody else restarts.
   */
  void regroup(RunState state, RunningPlan next, Membership change, boolean includeBuffers) {
    List<WorkerHandle> regrouped = new ArrayList<>();
    for (int i = 0; i < next.size(); i++) {
      int was = change.previousRank()[i];
      WorkerHandle h = was < 0 ? roster.join(next.worker(i)) : workers.get(was);
      if (h == null) {
        throw new IllegalStateException("no handle for worker " + next.worker(i).worker() + " joining at rank " + i);
      }
      h.renumber(i);
      regrouped.add(h);
    }
    RoundCommand farewell = RoundCommand.finish(state.round(), next.version(), includeBuffers, state.model());
    for (String name : change.left()) {
      WorkerHandle h = workers.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
      h.leave(farewell);
      h.close();
    }
    workers = regrouped;
    change.joined().forEach(name -> joinedAt.put(name, state.round()));
    change.left().forEach(joinedAt::remove);
    log.println("coordinator: plan version " + next.version() + " changes the workers from round " + state.round() + ": "
        + change.describe() + "; " + next.size() + " workers now");
  }

  /** A joined worker's first result: how many rounds after the plan brought it (the elastic benchmark's figure). */
  void firstContributions(RunningPlan plan, RoundResult[] results, long round, TrainingListener listener) {
    if (joinedAt.isEmpty()) {
      return;
    }
    for (int i = 0; i < results.length; i++) {
      String name = plan.worker(i).worker();
      Long since = results[i] == null ? null : joinedAt.remove(name);
      if (since != null) {
        log.println("coordinator: worker " + name + " (rank " + i + ") contributed from round " + round + ", "
            + (round - since) + " round(s) after the plan that brought it");
        listener.onFirstContribution(name, since, round);
      }
    }
  }
}
