package dev.hetero.training.operator.model;

import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.planner.WorkerDemand;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the pod of one planned worker. Pure: the same job, plan entry and image give the same
 * pod, which is what makes deterministic names and "AlreadyExists means done" safe.
 */
public final class WorkerPodFactory {
  /** Hash of the fields that cannot change in a running pod; a mismatch means delete and recreate. */
  public static final String TEMPLATE_HASH = "training.hetero.dev/template-hash";
  public static final String CONTAINER = "trainer";
  static final long RUN_AS_USER = 1000;
  static final String DIRECT_MEMORY = "256m";

  private WorkerPodFactory() {
  }

  /** Everything about the job a worker pod needs, beyond its own plan entry. */
  public record JobRef(HeteroTrainingJob job, HeteroTrainingJobSpec defaultedSpec, int worldSize, String coordinatorWorker,
      String defaultImage) {
    String name() {
      return job.getMetadata().getName();
    }

    String namespace() {
      return job.getMetadata().getNamespace();
    }
  }

  public static Pod create(JobRef ref, PlannedWorker worker) {
    PoolSpec pool = ref.defaultedSpec().pools().stream().filter(p -> p.name().equals(worker.pool())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("worker " + worker.worker() + " names unknown pool " + worker.pool()));
    boolean coordinator = worker.rank() == 0;
    String image = pool.image() != null && !pool.image().isBlank() ? pool.image() : ref.defaultImage();
    String coordinatorAddr = ChildNames.coordinatorAddress(ref.name(), ref.namespace(), ref.coordinatorWorker());
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    resources(pool, requests, limits);
    int threads = threads(requests, limits);

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("plan").withNewConfigMap().withName(ChildNames.planConfigMap(ref.name()))
        .endConfigMap().build());
    mounts.add(mount("plan", WorkerEnv.PLAN_MOUNT_DIR, true, null));
    // Read-only root filesystem: caches (432 MB of DJL natives) and /tmp live on emptyDirs.
    volumes.add(emptyDir("cache"));
    mounts.add(mount("cache", WorkerEnv.CACHE_MOUNT_DIR, false, null));
    volumes.add(emptyDir("tmp"));
    mounts.add(mount("tmp", "/tmp", false, null));
    var claim = ref.defaultedSpec().checkpoint() == null ? null : ref.defaultedSpec().checkpoint().persistentVolumeClaim();
    if (coordinator && claim != null) {
      volumes.add(new VolumeBuilder().withName("checkpoints").withNewPersistentVolumeClaim()
          .withClaimName(claim.claimName()).endPersistentVolumeClaim().build());
      mounts.add(mount("checkpoints", WorkerEnv.CHECKPOINT_MOUNT_DIR, false, claim.subPath()));
    } else {
      volumes.add(emptyDir("checkpoints"));
      mounts.add(mount("checkpoints", WorkerEnv.CHECKPOINT_MOUNT_DIR, false, null));
    }
    String dataDir = dataVolume(ref.defaultedSpec().dataset().source(), volumes, mounts);

    List<EnvVar> env = new ArrayList<>();
    env.add(env(WorkerEnv.JOB_NAME, ref.name()));
    env.add(new EnvVarBuilder().withName(WorkerEnv.JOB_NAMESPACE).withNewValueFrom().withNewFieldRef()
        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
    env.add(env(WorkerEnv.WORKER_NAME, worker.worker()));
    env.add(env(WorkerEnv.RANK, String.valueOf(worker.rank())));
    env.add(env(WorkerEnv.WORLD_SIZE, String.valueOf(ref.worldSize())));
    env.add(env(WorkerEnv.POOL, worker.pool()));
    env.add(env(WorkerEnv.DEVICE_CLASS, worker.deviceClass().wireName()));
    env.add(env(WorkerEnv.BATCH_SIZE, String.valueOf(worker.batchSize())));
    env.add(env(WorkerEnv.LOCAL_STEPS, String.valueOf(worker.localSteps())));
    env.add(env(WorkerEnv.AGG_WEIGHT, String.valueOf(worker.weight())));
    env.add(env(WorkerEnv.COORDINATOR_ADDR, coordinatorAddr));
    env.add(new EnvVarBuilder().withName(WorkerEnv.TOKEN).withNewValueFrom().withNewSecretKeyRef()
        .withName(ChildNames.tokenSecret(ref.name())).withKey(ChildNames.TOKEN_KEY).endSecretKeyRef().endValueFrom().build());
    env.add(env(WorkerEnv.PLAN_FILE, WorkerEnv.PLAN_MOUNT_DIR + "/" + WorkerEnv.PLAN_FILE_NAME));
    env.add(env(WorkerEnv.CHECKPOINT_DIR, WorkerEnv.CHECKPOINT_MOUNT_DIR));
    env.add(env(WorkerEnv.DATA_DIR, dataDir));
    env.add(env(WorkerEnv.METRICS_PORT, String.valueOf(WorkerEnv.METRICS_DEFAULT_PORT)));
    env.add(env(WorkerEnv.DJL_OFFLINE, "true"));
    env.add(env(WorkerEnv.DJL_CACHE_DIR, WorkerEnv.CACHE_MOUNT_DIR + "/djl"));
    env.add(env(WorkerEnv.PYTORCH_NUM_THREADS, String.valueOf(threads)));
    env.add(env(WorkerEnv.OMP_NUM_THREADS, String.valueOf(threads)));
    // With more than one OpenMP thread the default busy-wait policy collapses throughput on shared cores.
    env.add(env(WorkerEnv.OMP_WAIT_POLICY, "PASSIVE"));
    // Direct buffers are freed only at GC; without a cap RSS grows by gigabytes over a long run.
    // The heap follows the container's memory limit, leaving room for native PyTorch memory.
    env.add(env(WorkerEnv.JAVA_TOOL_OPTIONS, "-XX:MaxDirectMemorySize=" + DIRECT_MEMORY
        + " -XX:MaxRAMPercentage=50 -Dai.djl.offline=true -Djava.io.tmpdir=/tmp"));
    env.add(env("HOME", "/tmp"));

    Container container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        // The image's entrypoint runs the trainer jar; "worker" selects the in-cluster worker mode.
        .withArgs("worker")
        .withEnv(env)
        .addNewPort().withName("coordinator").withContainerPort(WorkerEnv.COORDINATOR_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("metrics").withContainerPort(WorkerEnv.METRICS_DEFAULT_PORT).withProtocol("TCP").endPort()
        .withNewResources().withRequests(requests).withLimits(limits).endResources()
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
          .withAllowPrivilegeEscalation(false)
          .withReadOnlyRootFilesystem(true)
          .withRunAsNonRoot(true)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
          .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .build();

    List<Toleration> tolerations = pool.tolerations() == null ? List.of() : pool.tolerations().stream()
        .map(t -> new Toleration(t.effect(), t.key(), t.operator(), t.tolerationSeconds(), t.value())).toList();

    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(TEMPLATE_HASH, templateHash(worker, ref.worldSize(), image, coordinatorAddr));

    return new PodBuilder()
        .withNewMetadata()
          .withName(worker.worker())
          .withNamespace(ref.namespace())
          .withLabels(JobLabels.forWorker(ref.name(), worker))
          .withAnnotations(annotations)
          .withOwnerReferences(ownerReference(ref.job()))
        .endMetadata()
        .withNewSpec()
          // The operator owns restarts (bounded, counted, with backoff); the kubelet must not.
          .withRestartPolicy("Never")
          .withHostname(worker.worker())
          .withSubdomain(ChildNames.service(ref.name()))
          .withServiceAccountName(ChildNames.trainer(ref.name()))
          // Only the coordinator reports status to the API server; the others need no token.
          .withAutomountServiceAccountToken(coordinator)
          .withEnableServiceLinks(false)
          .withTerminationGracePeriodSeconds(30L)
          .withNodeSelector(pool.nodeSelector() == null || pool.nodeSelector().isEmpty() ? null : pool.nodeSelector())
          .withTolerations(tolerations)
          .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In")
              .withValues(worker.node()).endMatchField().endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
          .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(RUN_AS_USER)
            .withRunAsGroup(RUN_AS_USER)
            .withFsGroup(RUN_AS_USER)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
          .endSecurityContext()
          .withContainers(container)
          .withVolumes(volumes)
        .endSpec()
        .build();
  }

  public static OwnerReference ownerReference(HeteroTrainingJob job) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HeteroTrainingJob.API_VERSION)
        .withKind(HeteroTrainingJob.KIND)
        .withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * Requests: the planner's demand (cpusPerWorker cores, memory request, gpusPerWorker GPUs), so the
   * scheduler reserves exactly what the plan counted. Limits: the pool's, GPUs always limited.
   */
  static void resources(PoolSpec pool, Map<String, Quantity> requests, Map<String, Quantity> limits) {
    if (pool.resources() != null && pool.resources().requests() != null) {
      requests.putAll(pool.resources().requests());
    }
    if (pool.resources() != null && pool.resources().limits() != null) {
      limits.putAll(pool.resources().limits());
    }
    var demand = WorkerDemand.of(pool);
    requests.put("cpu", new Quantity(demand.cpuMillis() + "m"));
    if (pool.deviceClass() == DeviceClass.GPU) {
      Quantity gpus = new Quantity(String.valueOf(demand.gpus()));
      requests.put(PodResources.GPU, gpus);
      limits.put(PodResources.GPU, gpus);
    } else if (!limits.containsKey("cpu")) {
      // CPU workers get a CPU limit so the trainer's thread count matches what it may use.
      limits.put("cpu", new Quantity(demand.cpuMillis() + "m"));
    }
    if (requests.containsKey("memory") && !limits.containsKey("memory")) {
      limits.put("memory", requests.get("memory"));
    }
  }

  /** Intra-op threads: whole cores of the CPU limit (else the request), at least one. */
  static int threads(Map<String, Quantity> requests, Map<String, Quantity> limits) {
    Quantity cpu = limits.containsKey("cpu") ? limits.get("cpu") : requests.get("cpu");
    if (cpu == null) {
      return 1;
    }
    BigDecimal cores = Quantity.getAmountInBytes(cpu).setScale(0, RoundingMode.FLOOR);
    return Math.max(1, cores.intValue());
  }

  private static String dataVolume(DatasetSource source, List<Volume> volumes, List<VolumeMount> mounts) {
    if (source != null && source.path() != null) {
      return source.path();
    }
    if (source != null && source.persistentVolumeClaim() != null) {
      volumes.add(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim()
          .withClaimName(source.persistentVolumeClaim().claimName()).withReadOnly(true).endPersistentVolumeClaim().build());
      mounts.add(mount("data", WorkerEnv.DATA_MOUNT_DIR, true, source.persistentVolumeClaim().subPath()));
      return WorkerEnv.DATA_MOUNT_DIR;
    }
    // http: a per-pod download cache
    volumes.add(emptyDir("data"));
    mounts.add(mount("data", WorkerEnv.DATA_MOUNT_DIR, false, null));
    return WorkerEnv.DATA_MOUNT_DIR;
  }

  static String templateHash(PlannedWorker w, int worldSize, String image, String coordinatorAddr) {
    String key = String.join("|", w.worker(), String.valueOf(w.rank()), w.node(), w.pool(), String.valueOf(worldSize),
        image, coordinatorAddr);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly, String subPath) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly)
        .withSubPath(subPath == null || subPath.isEmpty() ? null : subPath).build();
  }
}
