package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.CheckpointClaimTemplate;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.ClaimDeletionPolicy;
import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.VolumeAccessMode;
import dev.hetero.training.operator.model.Conditions.Wanted;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the coordinator's checkpoints live (spec.checkpoint, defaulted), pure: the claim the
 * operator creates from a claim template, the claim the coordinator mounts, and the
 * CheckpointReady condition that says whether the volume is usable and whether it outlives the
 * coordinator's pod. A claim left Pending (no default StorageClass, nothing to bind) is shown
 * here with what to do, not only as a Pending coordinator pod.
 */
public final class CheckpointVolume {
  private CheckpointVolume() {
  }

  /** The claim the coordinator mounts: the operator's (claim template), the user's, or none (emptyDir). */
  public static Optional<String> claimName(String job, CheckpointSpec checkpoint) {
    if (checkpoint == null) {
      return Optional.empty();
    }
    if (checkpoint.claimTemplate() != null) {
      return Optional.of(ChildNames.checkpointClaim(job));
    }
    return checkpoint.persistentVolumeClaim() == null ? Optional.empty()
        : Optional.of(checkpoint.persistentVolumeClaim().claimName());
  }

  /**
   * The claim to create from the template: named {@code <job>-checkpoints}, labelled as every
   * child, owned by the job (garbage-collected with it) unless {@code whenDeleted: Retain}, when it
   * carries no owner reference and outlives the job (delete it with {@code kubectl delete pvc}).
   */
  public static Optional<PersistentVolumeClaim> desiredClaim(HeteroTrainingJob job, CheckpointSpec checkpoint) {
    if (checkpoint == null || checkpoint.claimTemplate() == null) {
      return Optional.empty();
    }
    CheckpointClaimTemplate t = checkpoint.claimTemplate();
    String name = job.getMetadata().getName();
    boolean retain = t.whenDeleted() == ClaimDeletionPolicy.RETAIN;
    List<String> modes = t.accessModes() == null || t.accessModes().isEmpty() ? List.of("ReadWriteOnce")
        : t.accessModes().stream().map(VolumeAccessMode::wireName).toList();
    var builder = new PersistentVolumeClaimBuilder()
        .withNewMetadata()
          .withName(ChildNames.checkpointClaim(name))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_CHECKPOINTS))
          .withOwnerReferences(retain ? List.of() : List.of(WorkerPodFactory.ownerReference(job)))
        .endMetadata()
        .withNewSpec()
          .withAccessModes(modes)
          .withNewResources().withRequests(Map.of("storage", new Quantity(t.size()))).endResources()
          .withStorageClassName(t.storageClassName())
        .endSpec();
    return Optional.of(builder.build());
  }

  /** The CheckpointReady condition for the volume of this spec and the claim as observed (empty: not there). */
  public static Wanted condition(String job, String namespace, String jobUid, CheckpointSpec checkpoint,
      Optional<PersistentVolumeClaim> observed) {
    if (checkpoint == null) {
      return new Wanted(ConditionType.CheckpointReady, false, Reason.NotPlanned, "no valid spec to read the checkpoint volume from");
    }
    if (checkpoint.emptyDir() != null) {
      String limit = checkpoint.emptyDir().sizeLimit() == null ? "no size limit" : "sizeLimit " + checkpoint.emptyDir().sizeLimit();
      return new Wanted(ConditionType.CheckpointReady, true, Reason.EphemeralCheckpoints, "checkpoints are on an emptyDir of"
          + " the coordinator's pod (" + limit + "): they survive a restart of its container but are LOST with the pod"
          + " (deletion, eviction, node loss, suspend), and training then starts again from round 0");
    }
    String claim = claimName(job, checkpoint).orElseThrow();
    boolean ours = checkpoint.claimTemplate() != null;
    if (observed.isEmpty()) {
      return ours
          ? new Wanted(ConditionType.CheckpointReady, false, Reason.ClaimPending, "creating PersistentVolumeClaim " + claim)
          : new Wanted(ConditionType.CheckpointReady, false, Reason.ClaimNotFound, "PersistentVolumeClaim " + claim
              + " (spec.checkpoint.persistentVolumeClaim) does not exist in namespace " + namespace
              + "; the coordinator cannot start until it does");
    }
    PersistentVolumeClaim pvc = observed.get();
    if (ours && ownedByAnother(pvc, jobUid)) {
      return new Wanted(ConditionType.CheckpointReady, false, Reason.ClaimOfAnotherJob, "PersistentVolumeClaim " + claim
          + " belongs to an earlier job of the same name that is being deleted; waiting for it to go");
    }
    String phase = pvc.getStatus() == null || pvc.getStatus().getPhase() == null ? "Pending" : pvc.getStatus().getPhase();
    String storageClass = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
    switch (phase) {
      case "Bound" -> {
        String volume = pvc.getSpec().getVolumeName();
        String kept = ours && checkpoint.claimTemplate().whenDeleted() == ClaimDeletionPolicy.RETAIN
            ? "; kept when the job is deleted (whenDeleted: Retain): kubectl delete pvc " + claim + " -n " + namespace
            : ours ? "; deleted with the job" : "; the claim is yours and outlives the job";
        return new Wanted(ConditionType.CheckpointReady, true, Reason.ClaimBound, "checkpoints on PersistentVolumeClaim "
            + claim + " (volume " + volume + (storageClass == null || storageClass.isEmpty() ? "" : ", class " + storageClass)
            + "): they outlive the coordinator's pod" + kept);
      }
      case "Lost" -> {
        return new Wanted(ConditionType.CheckpointReady, false, Reason.ClaimLost, "PersistentVolumeClaim " + claim
            + " is Lost: its volume is gone; the checkpoints on it cannot be read");
      }
      default -> {
        String why = storageClass == null
            ? "it names no StorageClass and the cluster has no default StorageClass, so nothing provisions or binds it. Set"
                + " spec.checkpoint.claimTemplate.storageClassName, give an existing claim (spec.checkpoint.persistentVolumeClaim)"
                + " or choose spec.checkpoint.emptyDir (checkpoints lost with the pod)"
            : storageClass.isEmpty() ? "it asks for no StorageClass and no pre-provisioned volume matches it"
            : "waiting for a volume of class " + storageClass + " to be provisioned or bound (with volumeBindingMode"
                + " WaitForFirstConsumer that happens once the coordinator is scheduled)";
        return new Wanted(ConditionType.CheckpointReady, false, Reason.ClaimPending, "PersistentVolumeClaim " + claim
            + " is Pending: " + why + "; the coordinator cannot start until it is bound (kubectl describe pvc " + claim
            + " -n " + namespace + ")");
      }
    }
  }

  static boolean ownedByAnother(PersistentVolumeClaim pvc, String jobUid) {
    List<OwnerReference> owners = pvc.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> HeteroTrainingJob.KIND.equals(o.getKind())
        && !Objects.equals(o.getUid(), jobUid));
  }
}
