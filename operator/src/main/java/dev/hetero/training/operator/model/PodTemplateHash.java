package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.List;

/** What in a worker's pod cannot change without recreating it (pure): the pod's template hash. */
public final class PodTemplateHash {
  /**
   * Hash of what a running worker cannot take on without a restart: its name, node, pool, the
   * image, the coordinator's address, and whether it is the coordinator (rank 0 runs the
   * coordinator in its process, mounts the checkpoint volume and gets a token and a longer grace).
   * A mismatch means delete and recreate. Its other rank, the world size, batch, local steps,
   * weight, sampling and slowdown are not in it: a re-plan (a survivor renumbered, a pool grown or
   * shrunk) delivers them through the mounted plan file, where the worker finds itself by name and
   * picks them up at a round boundary. Two kinds of job keep rank and world size in the hash, so a
   * change of them recreates the pods as it always did: a queued job (Kueue admits the pod group
   * whole, and the group's size is in every pod's annotation; its pods are not pinned, so the hash
   * leaves the node out: the plan learns it after binding), and a job with asyncSAM helpers (a
   * helper and its worker find each other by rank, so the trainer cannot take a new membership).
   */
  public static final String ANNOTATION = "training.hetero.dev/template-hash";

  private PodTemplateHash() {
  }

  /**
   * Whether the trainer runs this plan's workers as a fixed membership (the same workers at the
   * same ranks for the whole run): asyncSAM pairs find each other by rank.
   */
  public static boolean fixedMembership(List<PlannedWorker> plan) {
    return plan.stream().anyMatch(PlannedWorker::helper);
  }

  static String of(PlannedWorker w, boolean queued, boolean fixedMembership, int worldSize, String image,
      String coordinatorAddr) {
    if (queued || fixedMembership) {
      // As before elastic pools ("null" for a queued pod's node): an upgrade recreates none of these pods.
      return Hashes.shortHash(String.join("|", w.worker(), String.valueOf(w.rank()), queued ? null : w.node(), w.pool(),
          String.valueOf(worldSize), image, coordinatorAddr));
    }
    return Hashes.shortHash(String.join("|", w.worker(), w.rank() == 0 ? "coordinator" : "worker", w.node(), w.pool(),
        image, coordinatorAddr));
  }
}
