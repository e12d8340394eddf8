package dev.hetero.training.nodes;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Jobs of the scenarios: LeNet on the Fashion-MNIST claim, and waits on what the API server shows. */
final class TrainingJobs {
  private TrainingJobs() {
  }

  /** A job in the scenarios' namespace reading the data set from its PersistentVolume. */
  static JobYaml job(String name) {
    return JobYaml.named(name).namespace(OperatorRelease.JOBS)
        .dataset("fashion-mnist", "{persistentVolumeClaim: {claimName: " + OperatorRelease.DATA_CLAIM + "}}")
        .algorithm("biasedLocalSGD").perWorkerBatch(64).training("learningRate", "{initial: 0.05}")
        .spec("allocation", "{localSteps: {policy: equalTime, base: 8}}");
  }

  /**
   * One "GPU" worker (rank 0, on gpu-1) and one CPU worker, one core each. gpu-1's GPU is the fake
   * device plugin's and the image has CPU natives only, so the GPU pool allows the CPU fallback.
   */
  static JobYaml mixed(String name) {
    return job(name).pool("""
        name: gpu
        deviceClass: gpu
        replicas: 1
        cpusPerWorker: 1
        deviceFallback: cpu""").pool("""
        name: cpu
        deviceClass: cpu
        replicas: 1
        cpusPerWorker: 1""");
  }

  static HeteroTrainingJob get(KubernetesClient client, String name) {
    return client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(name).get();
  }

  /**
   * Every bound is doubled: the scenarios passed on this 2-core machine and timed out on a CI machine of the same
   * kind that was slower (2026-12-02); a bound is an upper limit, so a passing run takes no longer for it.
   */
  static final int SLACK = 2;

  static ConditionFactory await(String what, Duration atMost) {
    return Awaitility.await(what).atMost(atMost.multipliedBy(SLACK)).pollInterval(Duration.ofMillis(500)).ignoreExceptions();
  }

  static HeteroTrainingJob awaitJob(KubernetesClient client, String name, String what, Duration atMost,
      Predicate<HeteroTrainingJob> condition) {
    return await(what, atMost).until(() -> get(client, name), j -> j != null && condition.test(j));
  }

  static boolean phase(HeteroTrainingJob job, JobPhase phase) {
    return job.getStatus() != null && job.getStatus().phase() == phase;
  }

  static long round(HeteroTrainingJob job) {
    return job.getStatus() == null || job.getStatus().training() == null || job.getStatus().training().round() == null ? -1
        : job.getStatus().training().round();
  }

  static List<Pod> pods(KubernetesClient client, String job) {
    return client.pods().inNamespace(OperatorRelease.JOBS).withLabel("training.hetero.dev/job", job).list().getItems();
  }

  static String env(Pod pod, String name) {
    return pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .map(e -> e.getValue()).orElse(null);
  }
}
