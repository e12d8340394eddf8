package dev.hetero.training.operator.model;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEndpoints;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.contract.WorkerEnvironment;
import dev.hetero.training.api.planner.WorkerDemand;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.operator.kueue.KueuePodGroup;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the pod of one planned worker. Pure: the same job, plan entry and image give the same
 * pod, which is what makes deterministic names and "AlreadyExists means done" safe.
 */
public final class WorkerPodFactory {
  public static final String CONTAINER = "trainer";
  /** The trainer image's own user (trainer-image/src/image/image.properties, the Dockerfile's USER). */
  static final long RUN_AS_USER = 10001;

  private WorkerPodFactory() {
  }

  /**
   * Everything about the job a worker pod needs beyond its own plan entry: the job (owner, name,
   * namespace), the plan document the worker reads its work from (spec defaulted, every worker),
   * and the images for pools without one: {@code defaultImage} for cpu pools, {@code gpuImage}
   * (the CUDA build) for gpu pools.
   */
  public record JobRef(HeteroTrainingJob job, PlanDocument plan, String defaultImage, String gpuImage) {
    /** One image for every pool. */
    public JobRef(HeteroTrainingJob job, PlanDocument plan, String defaultImage) {
      this(job, plan, defaultImage, defaultImage);
    }

    /** The pool's own image, else the configured one for its device class. */
    String imageFor(PoolSpec pool) {
      if (pool.image() != null && !pool.image().isBlank()) {
        return pool.image();
      }
      return pool.deviceClass() == DeviceClass.GPU ? gpuImage : defaultImage;
    }

    String name() {
      return job.getMetadata().getName();
    }

    String namespace() {
      return job.getMetadata().getNamespace();
    }

    HeteroTrainingJobSpec defaultedSpec() {
      return plan.spec();
    }

    String coordinatorWorker() {
      return plan.coordinator().map(PlannedWorker::worker)
          .orElseThrow(() -> new IllegalArgumentException("plan of " + name() + " has no rank 0"));
    }
  }

  public static Pod create(JobRef ref, PlannedWorker worker) {
    PoolSpec pool = ref.defaultedSpec().pools().stream().filter(p -> p.name().equals(worker.pool())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("worker " + worker.worker() + " names unknown pool " + worker.pool()));
    boolean coordinator = worker.rank() == 0;
    // Queued by Kueue: no node before admission (the scheduler binds within the admitted flavor).
    boolean queued = KueuePodGroup.queued(ref.job());
    String image = ref.imageFor(pool);
    String coordinatorAddr = ChildNames.coordinatorAddress(ref.name(), ref.namespace(), ref.coordinatorWorker());
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    resources(pool, requests, limits);
    int threads = threads(requests, limits);

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(planVolume(ref.name(), queued));
    mounts.add(mount("plan", WorkerEnv.PLAN_MOUNT_DIR, true, null));
    // Read-only root filesystem: caches (432 MB of DJL natives) and /tmp live on emptyDirs.
    volumes.add(emptyDir("cache"));
    mounts.add(mount("cache", WorkerEnv.CACHE_MOUNT_DIR, false, null));
    volumes.add(emptyDir("tmp"));
    mounts.add(mount("tmp", WorkerEnv.TMP_MOUNT_DIR, false, null));
    // Only the coordinator writes checkpoints: it mounts the job's checkpoint volume (a claim that outlives the pod, or
    // the emptyDir the spec asked for); the other workers get an empty directory at the same path.
    var checkpoint = ref.defaultedSpec().checkpoint();
    var claim = CheckpointVolume.claimName(ref.name(), checkpoint);
    if (coordinator && claim.isPresent()) {
      volumes.add(new VolumeBuilder().withName("checkpoints").withNewPersistentVolumeClaim()
          .withClaimName(claim.get()).endPersistentVolumeClaim().build());
      String subPath = checkpoint.persistentVolumeClaim() == null ? null : checkpoint.persistentVolumeClaim().subPath();
      mounts.add(mount("checkpoints", WorkerEnv.CHECKPOINT_MOUNT_DIR, false, subPath));
    } else if (coordinator && checkpoint != null && checkpoint.emptyDir() != null && checkpoint.emptyDir().sizeLimit() != null) {
      volumes.add(new VolumeBuilder().withName("checkpoints").withNewEmptyDir()
          .withSizeLimit(new Quantity(checkpoint.emptyDir().sizeLimit())).endEmptyDir().build());
      mounts.add(mount("checkpoints", WorkerEnv.CHECKPOINT_MOUNT_DIR, false, null));
    } else {
      volumes.add(emptyDir("checkpoints"));
      mounts.add(mount("checkpoints", WorkerEnv.CHECKPOINT_MOUNT_DIR, false, null));
    }
    String dataDir = dataVolume(ref.defaultedSpec().dataset().source(), volumes, mounts);

    WorkerEndpoints endpoints = new WorkerEndpoints(coordinatorAddr, WorkerEnv.PLAN_MOUNT_DIR + "/" + WorkerEnv.PLAN_FILE_NAME,
        WorkerEnv.CHECKPOINT_MOUNT_DIR, dataDir, WorkerEnv.CACHE_MOUNT_DIR + "/djl", WorkerEnv.TMP_MOUNT_DIR,
        String.valueOf(WorkerEnv.METRICS_DEFAULT_PORT));
    List<EnvVar> env = environment(ref, WorkerEnvironment.of(ref.plan(), worker, endpoints, threads));

    Container container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        // A worker that fails (no CUDA device, bad data) says why on stderr; the kubelet keeps the end of it as the
        // container's termination message, which the operator quotes in status.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        // The image's entrypoint runs the trainer jar; "worker" selects the in-cluster worker mode.
        .withArgs("worker")
        .withEnv(env)
        .addNewPort().withName("coordinator").withContainerPort(WorkerEnv.COORDINATOR_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("metrics").withContainerPort(WorkerEnv.METRICS_DEFAULT_PORT).withProtocol("TCP").endPort()
        .withNewResources().withRequests(requests).withLimits(limits)
          .withClaims(pool.claimsDevices() ? List.of(DeviceClaims.containerClaim()) : null).endResources()
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
    annotations.put(PodTemplateHash.ANNOTATION, PodTemplateHash.of(worker, queued, PodTemplateHash.fixedMembership(ref.plan().workers()),
        ref.plan().worldSize(), image, coordinatorAddr));
    Map<String, String> labels = JobLabels.forWorker(ref.name(), worker);
    if (queued) {
      labels.putAll(KueuePodGroup.podLabels(ref.job()));
      annotations.putAll(KueuePodGroup.podAnnotations(ref.plan().worldSize()));
    }

    return new PodBuilder()
        .withNewMetadata()
          .withName(worker.worker())
          .withNamespace(ref.namespace())
          .withLabels(labels)
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
          // The coordinator's SIGTERM protocol (end the round, checkpoint, stop the workers, exit 75) runs within this;
          // the trainer gets the same value as HTJ_TERMINATION_GRACE_SECONDS. Other workers stop at once on SIGTERM.
          .withTerminationGracePeriodSeconds(coordinator ? (long) WorkerEnvironment.terminationGraceSeconds(ref.plan()) : 30L)
          .withNodeSelector(pool.nodeSelector() == null || pool.nodeSelector().isEmpty() ? null : pool.nodeSelector())
          .withTolerations(tolerations)
          .withAffinity(queued ? null : pinnedTo(worker.node()))
          .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(RUN_AS_USER)
            .withRunAsGroup(RUN_AS_USER)
            .withFsGroup(RUN_AS_USER)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
          .endSecurityContext()
          .withContainers(container)
          .withResourceClaims(pool.claimsDevices() ? List.of(DeviceClaims.podClaim(ref.name(), pool)) : null)
          .withVolumes(volumes)
        .endSpec()
        .build();
  }

  /** Required node affinity to the planned node: the scheduler binds the pod where the planner counted it. */
  private static Affinity pinnedTo(String node) {
    return new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In")
        .withValues(node).endMatchField().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
  }

  /**
   * The plan ConfigMap as a volume. A queued job's plan is written only once its pods are bound
   * (sized from their nodes); until then the ConfigMap has no plan file, and because a queued pod
   * mounts that one key (not optional), the kubelet holds its container until the plan is there.
   */
  private static Volume planVolume(String job, boolean onlyPlanFile) {
    var builder = new VolumeBuilder().withName("plan").withNewConfigMap().withName(ChildNames.planConfigMap(job));
    if (onlyPlanFile) {
      builder = builder.addNewItem().withKey(WorkerEnv.PLAN_FILE_NAME).withPath(WorkerEnv.PLAN_FILE_NAME).endItem()
          .withOptional(false);
    }
    return builder.endConfigMap().build();
  }

  /**
   * The one worker environment ({@link WorkerEnvironment}) as the pod's variables: the namespace
   * comes from the downward API (the pod's own), the token by reference to the job's Secret, so
   * neither is a literal in the pod spec. Nothing else sets a worker variable.
   */
  static List<EnvVar> environment(JobRef ref, Map<String, String> variables) {
    List<EnvVar> env = new ArrayList<>();
    variables.forEach((name, value) -> env.add(WorkerEnv.JOB_NAMESPACE.equals(name)
        ? new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace")
            .endFieldRef().endValueFrom().build()
        : new EnvVar(name, value, null)));
    env.add(new EnvVarBuilder().withName(WorkerEnv.TOKEN).withNewValueFrom().withNewSecretKeyRef()
        .withName(ChildNames.tokenSecret(ref.name())).withKey(ChildNames.TOKEN_KEY).endSecretKeyRef().endValueFrom().build());
    return env;
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
   * Requests: the planner's demand (cpusPerWorker cores, memory request, gpusPerWorker GPUs as
   * nvidia.com/gpu unless the pool claims them through DRA), so the scheduler reserves exactly what
   * the plan counted. Limits: the pool's, GPUs always limited.
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
    if (pool.claimsDevices()) {
      // Its GPUs come through the pod's ResourceClaim (DeviceClaims), not as nvidia.com/gpu; no CPU limit, as for any GPU worker.
      requests.remove(PodResources.GPU);
      limits.remove(PodResources.GPU);
    } else if (pool.deviceClass() == DeviceClass.GPU) {
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

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly, String subPath) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly)
        .withSubPath(subPath == null || subPath.isEmpty() ? null : subPath).build();
  }
}
