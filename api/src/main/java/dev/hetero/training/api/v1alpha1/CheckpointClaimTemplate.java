package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The claim the operator creates for a job's checkpoints (named after the job, owned by it unless retained). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointClaimTemplate(
    @Default(Defaults.CHECKPOINT_CLAIM_SIZE) @Pattern(Defaults.QUANTITY_PATTERN)
    @JsonPropertyDescription("Requested storage, a Kubernetes quantity (e.g. 1Gi). Two checkpoints are kept; one is about"
        + " 4 bytes x (model values x (1 + workers) + 3 x training-set size): 1.1 MB for lenet with 4 workers on"
        + " Fashion-MNIST, 6.1 MB for resnet20 with 4 workers on CIFAR-10.")
    String size,

    @Size(max = 253)
    @JsonPropertyDescription("StorageClass of the claim. Absent: the cluster's default StorageClass (a cluster without one"
        + " leaves the claim Pending and the coordinator unscheduled). Empty string: no class, binds to a pre-provisioned"
        + " volume only.")
    String storageClassName,

    @Size(min = 1, max = 4)
    @JsonPropertyDescription("Access modes of the claim; only the coordinator mounts it. Default [ReadWriteOnce].")
    List<VolumeAccessMode> accessModes,

    @Default(Defaults.CLAIM_WHEN_DELETED)
    @JsonPropertyDescription("What happens to the claim when the job is deleted (also by ttlSecondsAfterFinished): Delete"
        + " (default: owned by the job, garbage-collected with it) or Retain (kept, with the last checkpoints and the"
        + " final model, for a later job or for inspection).")
    ClaimDeletionPolicy whenDeleted) {

  public CheckpointClaimTemplate {
    accessModes = accessModes == null ? null : List.copyOf(accessModes);
  }
}
