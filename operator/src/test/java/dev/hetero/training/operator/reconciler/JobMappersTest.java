package dev.hetero.training.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which jobs a pod event wakes: its owner always; running elastic jobs too when the pod frees a node's capacity. */
class JobMappersTest {
  static HeteroTrainingJob job(String name, boolean elastic, JobPhase phase, boolean queued) {
    JobYaml yaml = JobYaml.named(name).namespace("ns").epochs(1).perWorkerBatch(64).dataPath("/data")
        .spec("runPolicy", "{elastic: " + elastic + "}").cpuPool("cpu", 1);
    HeteroTrainingJob job = (queued ? yaml.label("kueue.x-k8s.io/queue-name", "q") : yaml).job();
    job.setStatus(new HeteroTrainingJobStatus(1L, phase, null, List.of(), null, null, null, null, null, null, 0, null));
    return job;
  }

  static final List<HeteroTrainingJob> JOBS = List.of(job("grows", true, JobPhase.Running, false),
      job("fixed", false, JobPhase.Running, false), job("starting", true, JobPhase.Planned, false),
      job("queued", true, JobPhase.Running, true));

  /** Another workload's pod on node n1, in this phase, being deleted or not. */
  static Pod pod(String phase, boolean deleting) {
    return new PodBuilder().withNewMetadata().withName("other").withNamespace("ns")
        .withDeletionTimestamp(deleting ? "2026-12-02T10:00:00Z" : null).endMetadata()
        .withNewSpec().withNodeName("n1").endSpec().withNewStatus().withPhase(phase).endStatus().build();
  }

  @Test
  void aPodThatFreesCapacityWakesOnlyTheRunningUnqueuedElasticJobs() {
    assertThat(JobMappers.podJobs(pod("Running", true), JOBS::stream)).containsExactly(new ResourceID("grows", "ns"));
    assertThat(JobMappers.podJobs(pod("Succeeded", false), JOBS::stream)).containsExactly(new ResourceID("grows", "ns"));
    assertThat(JobMappers.podJobs(pod("Running", false), JOBS::stream)).as("still holding its node").isEmpty();
    Pod unbound = new PodBuilder(pod("Failed", false)).editSpec().withNodeName(null).endSpec().build();
    assertThat(JobMappers.podJobs(unbound, JOBS::stream)).as("never held a node").isEmpty();
  }

  @Test
  void aJobsOwnPodWakesItsOwner() {
    Pod own = new PodBuilder(pod("Running", false)).editMetadata().addNewOwnerReference().withKind(HeteroTrainingJob.KIND)
        .withApiVersion(HeteroTrainingJob.API_VERSION).withName("fixed").withUid("u").endOwnerReference().endMetadata().build();
    assertThat(JobMappers.podJobs(own, JOBS::stream)).containsExactly(new ResourceID("fixed", "ns"));
    Pod ending = new PodBuilder(own).editStatus().withPhase("Failed").endStatus().build();
    assertThat(JobMappers.podJobs(ending, JOBS::stream))
        .containsExactlyInAnyOrder(new ResourceID("fixed", "ns"), new ResourceID("grows", "ns"));
  }
}
