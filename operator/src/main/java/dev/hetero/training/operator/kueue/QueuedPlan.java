package dev.hetero.training.operator.kueue;

import dev.hetero.training.api.planner.BatchAllocator;
import dev.hetero.training.api.planner.BoundWorker;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The plan of a queued job, decided after binding. Kueue assigns each PodSet a flavor (node labels,
 * tolerations) at admission and the scheduler binds the pods; a plan that pinned workers to nodes
 * before admission could contradict the admitted flavor. So before admission the job has only a
 * roster (every worker's name, rank and pool: what its pod needs) and no work; once every pod is
 * bound, the planner sizes batches, local steps and weights from the nodes the pods landed on, and
 * that plan is delivered through the mounted plan file. Pure.
 */
public final class QueuedPlan {
  /** Label values (the group name is the job's name) are at most 63 characters. */
  static final int MAX_GROUP_NAME = 63;

  private QueuedPlan() {
  }

  /**
   * ROSTER: names and ranks only, the plan file withheld; KEPT: the sized plan stands; SIZED: sized
   * now from the nodes the pods are bound to.
   */
  public enum Kind { ROSTER, KEPT, SIZED }

  /**
   * @param workers the plan to run: the roster, or the sized plan
   * @param problem set when the bound workers could not be sized (then {@code workers} is the roster)
   */
  public record Decision(Kind kind, List<PlannedWorker> workers, String problem) {
    /** The plan file carries this plan: the workers' work is known. */
    public boolean published() {
      return kind != Kind.ROSTER;
    }
  }

  /** What keeps a spec from being queued: Kueue admits a fixed number of pods, known before admission. */
  public static List<String> problems(String jobName, HeteroTrainingJobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (jobName.length() > MAX_GROUP_NAME) {
      problems.add("metadata.name: at most " + MAX_GROUP_NAME + " characters for a job queued by Kueue (it names the pod"
          + " group, a label value)");
    }
    int workers = 0;
    for (PoolSpec pool : spec.pools()) {
      if (pool.replicas() == null) {
        problems.add("spec.pools[" + pool.name() + "].replicas: required for a job queued by Kueue ("
            + KueuePodGroup.QUEUE_NAME + "): Kueue admits a fixed number of pods per pool");
      } else {
        workers += pool.replicas();
      }
    }
    var allocation = spec.allocation();
    Integer global = spec.training().batch().global();
    if (problems.isEmpty() && workers > 0 && global != null
        && !BatchAllocator.feasible(global, workers, allocation.minBatchPerWorker(), allocation.maxBatchPerWorker())) {
      problems.add("spec.training.batch.global " + global + " cannot be split among " + workers + " workers within ["
          + allocation.minBatchPerWorker() + ", " + allocation.maxBatchPerWorker() + "]");
    }
    return problems;
  }

  /** Every worker's name, rank, pool and device class, in the planner's order; no node and no work yet. */
  public static List<PlannedWorker> roster(String jobName, HeteroTrainingJobSpec spec) {
    List<PlannedWorker> roster = new ArrayList<>();
    for (PoolSpec pool : spec.pools()) {
      int replicas = pool.replicas() == null ? 0 : pool.replicas();
      for (int i = 0; i < replicas; i++) {
        roster.add(new PlannedWorker(CapacityPlanner.workerName(jobName, pool.name(), i), roster.size(), null, pool.name(),
            pool.deviceClass(), null, null, null, null, null, null, null));
      }
    }
    return roster;
  }

  /**
   * @param previous the plan in status (the roster or a sized plan)
   * @param admitted Kueue admitted the group
   * @param pods the job's pods by worker name
   * @param nodes the planner's view of a node, by name (absent when the node is gone)
   */
  public static Decision decide(String jobName, HeteroTrainingJobSpec spec, List<PlannedWorker> roster,
      List<PlannedWorker> previous, boolean specChanged, boolean admitted, Map<String, Pod> pods,
      Function<String, NodeInfo> nodes, CapacityPlanner planner) {
    if (!admitted) {
      return new Decision(Kind.ROSTER, roster, null);
    }
    boolean sameWorkers = !specChanged && sameWorkers(previous, roster) && previous.stream().allMatch(w -> w.node() != null);
    List<BoundWorker> bound = new ArrayList<>();
    for (PlannedWorker w : roster) {
      Pod pod = pods.get(w.worker());
      NodeInfo node = pod == null || !runsOnItsNode(pod) ? null : nodes.apply(pod.getSpec().getNodeName());
      if (node == null) {
        // Not every pod is bound yet (a replacement waits for the scheduler): the sized plan stands until it is.
        return sameWorkers ? new Decision(Kind.KEPT, previous, null) : new Decision(Kind.ROSTER, roster, null);
      }
      bound.add(new BoundWorker(w.pool(), index(jobName, w), node));
    }
    if (sameWorkers && previous.stream().allMatch(w -> Objects.equals(w.node(), pods.get(w.worker()).getSpec().getNodeName()))) {
      return new Decision(Kind.KEPT, previous, null);
    }
    PlanResult sized = planner.sizeBound(jobName, spec, bound);
    if (sized instanceof PlanResult.Placed placed) {
      return new Decision(Kind.SIZED, placed.workers(), null);
    }
    return new Decision(Kind.ROSTER, roster, ((PlanResult.Unplaceable) sized).summary());
  }

  /** A pod that holds its node: bound, not being deleted, not failed (a failed one is replaced). */
  private static boolean runsOnItsNode(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return KueuePodGroup.bound(pod) && pod.getMetadata().getDeletionTimestamp() == null && !"Failed".equals(phase);
  }

  private static boolean sameWorkers(List<PlannedWorker> previous, List<PlannedWorker> roster) {
    if (previous.size() != roster.size()) {
      return false;
    }
    for (int i = 0; i < roster.size(); i++) {
      PlannedWorker a = previous.get(i);
      PlannedWorker b = roster.get(i);
      if (!a.worker().equals(b.worker()) || !Objects.equals(a.rank(), b.rank()) || !a.pool().equals(b.pool())) {
        return false;
      }
    }
    return true;
  }

  private static int index(String jobName, PlannedWorker w) {
    return Integer.parseInt(w.worker().substring((jobName + "-" + w.pool() + "-").length()));
  }
}
