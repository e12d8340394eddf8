package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** A group of workers of one device class. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
    message = "spec.pools[].minReplicas must not exceed spec.pools[].maxReplicas")
@ValidationRule(value = "!has(self.replicas) || (self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas)",
    message = "spec.pools[].replicas must lie within [minReplicas, maxReplicas]")
@ValidationRule(value = "self.deviceClass == 'gpu' || !has(self.gpusPerWorker)",
    message = "spec.pools[].gpusPerWorker is only allowed when deviceClass is gpu")
@ValidationRule(value = "self.deviceClass == 'gpu' || !has(self.deviceFallback) || self.deviceFallback == 'none'",
    message = "spec.pools[].deviceFallback cpu is only allowed when deviceClass is gpu")
@ValidationRule(value = "self.deviceClass == 'gpu' || !has(self.deviceClaim)",
    message = "spec.pools[].deviceClaim is only allowed when deviceClass is gpu")
public record PoolSpec(
    @Required @Size(min = 1, max = 24) @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Pool name: a DNS label of at most 24 characters, unique in the job; part of every worker pod's name.")
    String name,

    @Required
    @JsonPropertyDescription("gpu or cpu. Immutable: GPU workers request nvidia.com/gpu, CPU workers CPU cores.")
    DeviceClass deviceClass,

    @Min(0) @Max(1024)
    @JsonPropertyDescription("Fixed number of workers. Leave unset for auto: as many as the nodes fit, between minReplicas and maxReplicas.")
    Integer replicas,

    @Default(Defaults.MIN_REPLICAS) @Min(0) @Max(1024)
    @JsonPropertyDescription("Fewest workers the pool may run with (auto mode); fewer placeable means Unschedulable.")
    Integer minReplicas,

    @Default(Defaults.MAX_REPLICAS) @Min(1) @Max(1024)
    @JsonPropertyDescription("Most workers the pool may run with (auto mode).")
    Integer maxReplicas,

    @Min(1) @Max(16)
    @JsonPropertyDescription("GPUs per worker (gpu pools only; default 1): one worker per this many free GPUs on a node.")
    Integer gpusPerWorker,

    @Default(Defaults.CPUS_PER_WORKER) @Min(1) @Max(256)
    @JsonPropertyDescription("CPU cores per worker: one CPU worker per this many free cores; GPU workers request them too.")
    Integer cpusPerWorker,

    @Min(value = 0, inclusive = false) @Max(1000000)
    @JsonPropertyDescription("Explicit relative throughput of each worker, overriding node labels and the GPU table.")
    Double capacityPerWorker,

    @Default(Defaults.SIMULATED_SLOWDOWN) @Min(1) @Max(1000)
    @JsonPropertyDescription("Testing aid: each worker runs this many times slower than its hardware (the one-machine runner charges it to a virtual clock). 1 in production.")
    Double simulatedSlowdown,

    @Size(max = 32)
    @JsonPropertyDescription("Node labels a node must carry for this pool's workers, as in a pod's nodeSelector.")
    Map<String, String> nodeSelector,

    @Size(max = 32)
    @JsonPropertyDescription("Taints this pool's workers tolerate, as in a pod's tolerations.")
    List<WorkerToleration> tolerations,

    @JsonPropertyDescription("Requests and limits of each worker pod (cpu, memory, ephemeral-storage).")
    WorkerResources resources,

    @Size(max = 512)
    @JsonPropertyDescription("Trainer image for this pool's workers; defaults to the operator's configured trainer image.")
    String image,

    @Default(Defaults.DEVICE_FALLBACK)
    @JsonPropertyDescription("gpu pools: what a worker does when it finds no usable CUDA device. none (default): it fails at once (exit 69; the operator reports NoCudaDevice). cpu: it trains on the CPU and logs that it fell back (its share of the work is still sized for a GPU).")
    DeviceFallback deviceFallback,

    @JsonPropertyDescription("gpu pools: claim each worker's GPUs through Dynamic Resource Allocation (a ResourceClaimTemplate of this DeviceClass, resource.k8s.io/v1) instead of requesting nvidia.com/gpu. For clusters whose GPUs are published as ResourceSlices (NVIDIA's DRA driver). Unset: nvidia.com/gpu.")
    DeviceClaimSpec deviceClaim) {

  public PoolSpec {
    nodeSelector = nodeSelector == null ? null : Map.copyOf(nodeSelector);
    tolerations = tolerations == null ? null : List.copyOf(tolerations);
  }

  /** A pool that requests nvidia.com/gpu (no deviceClaim): the form most code and tests build. */
  public PoolSpec(String name, DeviceClass deviceClass, Integer replicas, Integer minReplicas, Integer maxReplicas,
      Integer gpusPerWorker, Integer cpusPerWorker, Double capacityPerWorker, Double simulatedSlowdown,
      Map<String, String> nodeSelector, List<WorkerToleration> tolerations, WorkerResources resources, String image,
      DeviceFallback deviceFallback) {
    this(name, deviceClass, replicas, minReplicas, maxReplicas, gpusPerWorker, cpusPerWorker, capacityPerWorker,
        simulatedSlowdown, nodeSelector, tolerations, resources, image, deviceFallback, null);
  }

  /** Its GPUs are claimed through DRA rather than requested as nvidia.com/gpu. */
  public boolean claimsDevices() {
    return deviceClass == DeviceClass.GPU && deviceClaim != null;
  }
}
