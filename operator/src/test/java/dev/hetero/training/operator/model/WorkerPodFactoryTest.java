package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkerPodFactoryTest {
  static HeteroTrainingJob job() {
    HeteroTrainingJob job = Fixtures.job("mnist", "team-a");
    job.getMetadata().setUid("uid-1");
    return job;
  }

  static final PlannedWorker GPU = new PlannedWorker("mnist-gpu-0", 0, "gpu-node", "gpu", DeviceClass.GPU, 96.0, 64, 12,
      0.6, WorkerRole.FAST);
  static final PlannedWorker CPU = new PlannedWorker("mnist-cpu-1", 2, "cpu-node", "cpu", DeviceClass.CPU, 2.0, 64, 1,
      0.2, WorkerRole.SLOW);

  static Pod build(PlannedWorker w) {
    HeteroTrainingJob job = job();
    return WorkerPodFactory.create(new WorkerPodFactory.JobRef(job, SpecDefaults.apply(job.getSpec()), 3, "mnist-gpu-0",
        "img:1"), w);
  }

  static Map<String, EnvVar> env(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void coordinatorPodCarriesTheWorkerContract() {
    Pod pod = build(GPU);
    Map<String, EnvVar> env = env(pod);
    assertThat(env.get("HTJ_JOB_NAME").getValue()).isEqualTo("mnist");
    assertThat(env.get("HTJ_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(env.get("HTJ_WORKER_NAME").getValue()).isEqualTo("mnist-gpu-0");
    assertThat(env.get("RANK").getValue()).isEqualTo("0");
    assertThat(env.get("WORLD_SIZE").getValue()).isEqualTo("3");
    assertThat(env.get("POOL").getValue()).isEqualTo("gpu");
    assertThat(env.get("DEVICE_CLASS").getValue()).isEqualTo("gpu");
    assertThat(env.get("BATCH_SIZE").getValue()).isEqualTo("64");
    assertThat(env.get("LOCAL_STEPS").getValue()).isEqualTo("12");
    assertThat(env.get("AGG_WEIGHT").getValue()).isEqualTo("0.6");
    assertThat(env.get("COORDINATOR_ADDR").getValue()).isEqualTo("mnist-gpu-0.mnist-workers.team-a.svc:29500");
    assertThat(env.get("HTJ_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("mnist-token");
    assertThat(env.get("HTJ_TOKEN").getValue()).isNull();
    assertThat(env.get("DJL_CACHE_DIR").getValue()).startsWith("/var/cache/hetero");
    assertThat(env.get("JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxDirectMemorySize=");
    assertThat(env.get("HTJ_DATA_DIR").getValue()).isEqualTo("/data/fashion-mnist");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("mnist-trainer");
    assertThat(pod.getSpec().getHostname()).isEqualTo("mnist-gpu-0");
    assertThat(pod.getSpec().getSubdomain()).isEqualTo("mnist-workers");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "coordinator");
    Container c = pod.getSpec().getContainers().get(0);
    assertThat(c.getArgs()).containsExactly("worker");
    assertThat(c.getImage()).isEqualTo("img:1");
    assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(c.getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void cpuWorkerGetsThreadsFromItsCpuLimitAndNoToken() {
    Pod pod = build(CPU);
    Map<String, EnvVar> env = env(pod);
    assertThat(env.get("PYTORCH_NUM_THREADS").getValue()).isEqualTo("2");
    assertThat(env.get("OMP_NUM_THREADS").getValue()).isEqualTo("2");
    assertThat(env.get("OMP_WAIT_POLICY").getValue()).isEqualTo("PASSIVE");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getMetadata().getLabels()).containsEntry("training.hetero.dev/rank", "2")
        .containsEntry("training.hetero.dev/pool", "cpu").containsEntry("app.kubernetes.io/component", "worker");
    assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits()).containsEntry("cpu", new Quantity("2"))
        .doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void podIsPinnedToItsNodeRestrictedAndNeverRestartedByTheKubelet() {
    Pod pod = build(CPU);
    var term = pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms();
    assertThat(term).singleElement().satisfies(t -> {
      assertThat(t.getMatchFields()).singleElement().satisfies(f -> {
        assertThat(f.getKey()).isEqualTo("metadata.name");
        assertThat(f.getOperator()).isEqualTo("In");
        assertThat(f.getValues()).containsExactly("cpu-node");
      });
    });
    assertThat(PodResources.pinnedNode(pod)).contains("cpu-node");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    var psc = pod.getSpec().getSecurityContext();
    assertThat(psc.getRunAsNonRoot()).isTrue();
    assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var sc = pod.getSpec().getContainers().get(0).getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
        .contains("/etc/hetero/plan", "/var/cache/hetero", "/tmp");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo("uid-1");
      assertThat(o.getController()).isTrue();
    });
  }

  @Test
  void templateHashChangesWithNodeOrRankButNotWithBatch() {
    String base = build(CPU).getMetadata().getAnnotations().get(WorkerPodFactory.TEMPLATE_HASH);
    PlannedWorker biggerBatch = new PlannedWorker(CPU.worker(), CPU.rank(), CPU.node(), CPU.pool(), CPU.deviceClass(),
        CPU.capacity(), 128, 3, 0.3, CPU.role());
    PlannedWorker moved = new PlannedWorker(CPU.worker(), CPU.rank(), "other-node", CPU.pool(), CPU.deviceClass(),
        CPU.capacity(), CPU.batchSize(), CPU.localSteps(), CPU.weight(), CPU.role());
    assertThat(build(biggerBatch).getMetadata().getAnnotations().get(WorkerPodFactory.TEMPLATE_HASH)).isEqualTo(base);
    assertThat(build(moved).getMetadata().getAnnotations().get(WorkerPodFactory.TEMPLATE_HASH)).isNotEqualTo(base);
  }
}
