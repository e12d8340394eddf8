package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.validation.SpecDefaults;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checkpoint volume: the claim made from a template, and what CheckpointReady says about each kind of volume. */
class CheckpointVolumeTest {

  static HeteroTrainingJob job(String checkpointYaml) {
    var yaml = JobYaml.named("j").namespace("ns").cpuPool("cpu", 1);
    HeteroTrainingJob job = (checkpointYaml == null ? yaml : yaml.spec("checkpoint", checkpointYaml)).job();
    job.getMetadata().setUid("uid-1");
    return job;
  }

  static dev.hetero.training.api.v1alpha1.CheckpointSpec spec(HeteroTrainingJob job) {
    return SpecDefaults.apply(job.getSpec()).checkpoint();
  }

  static PersistentVolumeClaim claim(String phase, String storageClass) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName("j-checkpoints").endMetadata()
        .withNewSpec().withStorageClassName(storageClass).withVolumeName("Bound".equals(phase) ? "pv-7" : null).endSpec()
        .withNewStatus().withPhase(phase).endStatus().build();
  }

  @Test
  void theDefaultClaimIsOwnedByTheJobSoItGoesWithIt() {
    HeteroTrainingJob job = job(null);
    PersistentVolumeClaim pvc = CheckpointVolume.desiredClaim(job, spec(job)).orElseThrow();
    assertThat(pvc.getMetadata().getName()).isEqualTo("j-checkpoints");
    assertThat(pvc.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
    assertThat(pvc.getMetadata().getLabels()).containsEntry("training.hetero.dev/job", "j")
        .containsEntry("app.kubernetes.io/managed-by", "hetero-training-operator");
    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
    assertThat(pvc.getSpec().getStorageClassName()).as("absent: the cluster's default class").isNull();
    assertThat(CheckpointVolume.claimName("j", spec(job))).contains("j-checkpoints");
  }

  @Test
  void aRetainedClaimHasNoOwnerAndTheConditionSaysHowToDeleteIt() {
    HeteroTrainingJob job = job("{claimTemplate: {size: 2Gi, storageClassName: fast, whenDeleted: Retain}}");
    PersistentVolumeClaim pvc = CheckpointVolume.desiredClaim(job, spec(job)).orElseThrow();
    assertThat(pvc.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(pvc.getMetadata().getLabels()).containsEntry("training.hetero.dev/job", "j");
    var bound = CheckpointVolume.condition("j", "ns", "uid-1", spec(job), Optional.of(claim("Bound", "fast")));
    assertThat(bound.status()).isTrue();
    assertThat(bound.reason()).isEqualTo(Reason.ClaimBound);
    assertThat(bound.message()).contains("volume pv-7", "whenDeleted: Retain", "kubectl delete pvc j-checkpoints -n ns");
  }

  @Test
  void aPendingClaimWithoutAStorageClassSaysTheClusterHasNoDefaultAndWhatToDo() {
    HeteroTrainingJob job = job(null);
    var pending = CheckpointVolume.condition("j", "ns", "uid-1", spec(job), Optional.of(claim("Pending", null)));
    assertThat(pending.status()).isFalse();
    assertThat(pending.reason()).isEqualTo(Reason.ClaimPending);
    assertThat(pending.message()).contains("j-checkpoints is Pending", "no default StorageClass", "storageClassName",
        "emptyDir");
    var withClass = CheckpointVolume.condition("j", "ns", "uid-1", spec(job), Optional.of(claim("Pending", "slow")));
    assertThat(withClass.message()).contains("class slow");
  }

  @Test
  void anEmptyDirIsReadyButEphemeralAndAMissingClaimOfTheUserIsNamed() {
    HeteroTrainingJob ephemeral = job("{emptyDir: {sizeLimit: 256Mi}}");
    assertThat(CheckpointVolume.desiredClaim(ephemeral, spec(ephemeral))).isEmpty();
    var e = CheckpointVolume.condition("j", "ns", "uid-1", spec(ephemeral), Optional.empty());
    assertThat(e.status()).isTrue();
    assertThat(e.reason()).isEqualTo(Reason.EphemeralCheckpoints);
    assertThat(e.message()).contains("sizeLimit 256Mi", "LOST with the pod", "round 0");
    HeteroTrainingJob users = job("{persistentVolumeClaim: {claimName: mine}}");
    var missing = CheckpointVolume.condition("j", "ns", "uid-1", spec(users), Optional.empty());
    assertThat(missing.reason()).isEqualTo(Reason.ClaimNotFound);
    assertThat(missing.message()).contains("mine", "does not exist in namespace ns");
  }
}
