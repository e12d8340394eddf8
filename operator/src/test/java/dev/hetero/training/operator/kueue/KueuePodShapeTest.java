package dev.hetero.training.operator.kueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.model.PodResources;
import dev.hetero.training.operator.model.PodTemplateHash;
import dev.hetero.training.operator.model.WorkerPodFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pods of a job labelled kueue.x-k8s.io/queue-name: one Kueue pod group, not pinned, plan file awaited. */
class KueuePodShapeTest {
  static HeteroTrainingJob job(boolean queued) {
    var yaml = Fixtures.mixed("mnist", "team-a", 1, 2, 2);
    if (queued) {
      yaml.label(KueuePodGroup.QUEUE_NAME, "team-a-queue").label(KueuePodGroup.PRIORITY_CLASS, "high");
    }
    HeteroTrainingJob job = yaml.job();
    job.getMetadata().setUid("uid-1");
    return job;
  }

  static Pod pod(HeteroTrainingJob job, List<PlannedWorker> workers, String name) {
    var spec = SpecDefaults.apply(job.getSpec());
    var doc = new PlanDocument("mnist", "team-a", 1, spec, workers);
    return WorkerPodFactory.create(new WorkerPodFactory.JobRef(job, doc, "img:1"), doc.worker(name).orElseThrow());
  }

  @Test
  void queuedPodsFormOneGroupAreNotPinnedAndWaitForThePlanFile() {
    HeteroTrainingJob job = job(true);
    var roster = QueuedPlan.roster("mnist", SpecDefaults.apply(job.getSpec()));
    Pod pod = pod(job, roster, "mnist-cpu-1");

    assertThat(pod.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "team-a-queue")
        .containsEntry("kueue.x-k8s.io/pod-group-name", "mnist")
        .containsEntry("kueue.x-k8s.io/priority-class", "high")
        .containsEntry("training.hetero.dev/rank", "2");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("kueue.x-k8s.io/pod-group-total-count", "3");
    // No node before admission: Kueue's flavor (node labels, tolerations) and the scheduler decide.
    assertThat(pod.getSpec().getAffinity()).isNull();
    assertThat(PodResources.pinnedNode(pod)).isEmpty();
    // The pool's own selector and tolerations stay; Kueue adds the flavor's at admission.
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    Volume plan = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("plan")).findFirst().orElseThrow();
    assertThat(plan.getConfigMap().getItems()).singleElement().satisfies(i -> {
      assertThat(i.getKey()).isEqualTo("plan.json");
      assertThat(i.getPath()).isEqualTo("plan.json");
    });
    assertThat(plan.getConfigMap().getOptional()).isFalse();
  }

  @Test
  void theSizedPlanDoesNotChangeAQueuedPodSoBindingNeverRecreatesIt() {
    HeteroTrainingJob job = job(true);
    var roster = QueuedPlan.roster("mnist", SpecDefaults.apply(job.getSpec()));
    List<PlannedWorker> sized = roster.stream().map(w -> w.withPlacement("node-" + w.rank(), 4.0).withWork(64, 2, 0.3)).toList();
    Pod before = pod(job, roster, "mnist-gpu-0");
    Pod after = pod(job, sized, "mnist-gpu-0");
    assertThat(hash(after)).isEqualTo(hash(before));
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
    // A job without the label: pinned, and the node is part of its identity.
    HeteroTrainingJob plain = job(false);
    Pod pinned = pod(plain, sized, "mnist-gpu-0");
    assertThat(PodResources.pinnedNode(pinned)).contains("node-0");
    assertThat(pinned.getMetadata().getLabels()).doesNotContainKeys("kueue.x-k8s.io/queue-name", "kueue.x-k8s.io/pod-group-name");
    assertThat(pinned.getMetadata().getAnnotations()).doesNotContainKey("kueue.x-k8s.io/pod-group-total-count");
    assertThat(pinned.getSpec().getVolumes().stream().filter(v -> v.getName().equals("plan")).findFirst().orElseThrow()
        .getConfigMap().getItems()).isEmpty();
    List<PlannedWorker> moved = sized.stream().map(w -> w.withPlacement("elsewhere", 4.0)).toList();
    assertThat(hash(pod(plain, moved, "mnist-gpu-0"))).isNotEqualTo(hash(pinned));
  }

  private static String hash(Pod pod) {
    return pod.getMetadata().getAnnotations().get(PodTemplateHash.ANNOTATION);
  }
}
