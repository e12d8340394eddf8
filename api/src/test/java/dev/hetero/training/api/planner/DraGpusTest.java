package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.cpuNode;
import static dev.hetero.training.api.Fixtures.gpuPool;
import static dev.hetero.training.api.Fixtures.perWorker;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.DraGpus.Device;
import dev.hetero.training.api.planner.DraGpus.DeviceId;
import dev.hetero.training.api.planner.DraGpus.Slice;
import dev.hetero.training.api.v1alpha1.DeviceClaimSpec;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GPUs read from ResourceSlices of NVIDIA's shape, and the planner sizing and placing claim pools on them. */
class DraGpusTest {
  private static final long GIB = 1L << 30;

  static Device gpu(String name, String product, long memoryGib) {
    return new Device(name, Map.of("type", "gpu", "productName", product, "cudaComputeCapability", "8.0.0",
        "uuid", "GPU-" + name), Map.of("memory", memoryGib * GIB));
  }

  static Slice slice(String name, String node, long generation, long count, Device... devices) {
    return new Slice(name, DraGpus.NVIDIA_DRIVER, node, generation, count, node, List.of(devices));
  }

  @Test
  void readsFullGpusPerNodeWithTheirFactsAndWhatOthersHold() {
    List<String> notes = new ArrayList<>();
    var gpus = DraGpus.byNode(List.of(
        slice("a-gpus", "node-a", 1, 1, gpu("gpu-0", "NVIDIA A100-SXM4-40GB", 40), gpu("gpu-1", "NVIDIA A100-SXM4-40GB", 40)),
        slice("b-gpus", "node-b", 3, 1, gpu("gpu-0", "Tesla T4", 16))),
        Set.of(new DeviceId(DraGpus.NVIDIA_DRIVER, "node-a", "gpu-1")), notes);
    assertThat(gpus).containsOnlyKeys("node-a", "node-b");
    assertThat(gpus.get("node-a").total()).isEqualTo(2);
    assertThat(gpus.get("node-a").allocatedElsewhere()).isEqualTo(1);
    GpuFacts a = gpus.get("node-a").facts();
    assertThat(a.productName()).isEqualTo("NVIDIA A100-SXM4-40GB");
    assertThat(a.memoryBytes()).isEqualTo(40 * GIB);
    assertThat(a.computeCapability()).isEqualTo("8.0.0");
    assertThat(a.source()).contains("a-gpus", "generation 1");
    assertThat(gpus.get("node-b").allocatedElsewhere()).isZero();
    assertThat(notes).isEmpty();
  }

  @Test
  void onlyTheHighestGenerationOfACompletePoolCounts() {
    List<String> notes = new ArrayList<>();
    var gpus = DraGpus.byNode(List.of(
        slice("old", "node-a", 1, 1, gpu("gpu-0", "Tesla T4", 16)),
        slice("new", "node-a", 2, 1, gpu("gpu-0", "NVIDIA A100-SXM4-40GB", 40), gpu("gpu-1", "NVIDIA A100-SXM4-40GB", 40)),
        // Generation 5 announces two slices; one is seen: the pool is being republished.
        slice("half", "node-c", 5, 2, gpu("gpu-0", "NVIDIA H100 80GB HBM3", 80))), Set.of(), notes);
    assertThat(gpus).containsOnlyKeys("node-a");
    assertThat(gpus.get("node-a").total()).isEqualTo(2);
    assertThat(gpus.get("node-a").facts().productName()).contains("A100");
    assertThat(notes).singleElement().asString().contains("pool node-c", "1 of 2 slices of generation 5", "not counted");
  }

  @Test
  void migSlicesOtherDriversAndUnboundSlicesAreLeftOutWithAReason() {
    List<String> notes = new ArrayList<>();
    Device mig = new Device("gpu-0-mig-1g", Map.of("type", "mig", "productName", "NVIDIA A100-SXM4-40GB"), Map.of());
    Device qualified = new Device("gpu-1", Map.of("gpu.nvidia.com/type", "gpu", "gpu.nvidia.com/productName", "Tesla V100-SXM2-16GB"),
        Map.of("gpu.nvidia.com/memory", 16 * GIB));
    var gpus = DraGpus.byNode(List.of(
        slice("mixed", "node-a", 1, 1, mig, qualified),
        new Slice("nic", "rdma.example.com", "node-a", 1, 1, "node-a", List.of(gpu("nic-0", "not a GPU", 0))),
        new Slice("shared", DraGpus.NVIDIA_DRIVER, "fabric", 1, 1, null, List.of(gpu("gpu-9", "Tesla T4", 16)))),
        Set.of(), notes);
    assertThat(gpus.get("node-a").total()).isEqualTo(1);
    assertThat(gpus.get("node-a").facts().productName()).isEqualTo("Tesla V100-SXM2-16GB");
    assertThat(gpus.get("node-a").facts().memoryBytes()).isEqualTo(16 * GIB);
    assertThat(notes).anySatisfy(n -> assertThat(n).contains("gpu-0-mig-1g", "type mig"))
        .anySatisfy(n -> assertThat(n).contains("shared", "not bound to one node"));
  }

  @Test
  void aClaimPoolIsPlacedOnDraGpusAndSizedFromTheProductTheSliceNames() {
    var gpus = DraGpus.byNode(List.of(slice("a", "dra-a", 1, 1, gpu("gpu-0", "NVIDIA A100-SXM4-40GB", 40),
        gpu("gpu-1", "NVIDIA A100-SXM4-40GB", 40))), Set.of(new DeviceId(DraGpus.NVIDIA_DRIVER, "dra-a", "gpu-0")), new ArrayList<>());
    // A DRA-only node: no nvidia.com/gpu allocatable, no product label.
    NodeInfo node = cpuNode("dra-a", 8, Map.of()).withDraGpus(gpus.get("dra-a"));
    PoolSpec claimed = claimPool("g", 2);
    var planner = new CapacityPlanner(PlannerConfig.defaults());

    var tooMany = planner.plan("j", spec(perWorker(32), List.of(claimed)), List.of(node));
    assertThat(tooMany).isInstanceOf(PlanResult.Unplaceable.class);
    assertThat(((PlanResult.Unplaceable) tooMany).summary()).contains("1 GPU claimed through DRA", "only 1 fit");

    var placed = planner.plan("j", spec(perWorker(32), List.of(claimPool("g", 1), dev.hetero.training.api.Fixtures.cpuPool("c", 1))),
        List.of(node));
    assertThat(placed).isInstanceOf(PlanResult.Placed.class);
    List<PlannedWorker> workers = ((PlanResult.Placed) placed).workers();
    PlannedWorker g = workers.stream().filter(w -> w.pool().equals("g")).findFirst().orElseThrow();
    PlannedWorker c = workers.stream().filter(w -> w.pool().equals("c")).findFirst().orElseThrow();
    assertThat(g.node()).isEqualTo("dra-a");
    // A100 is 96 cores' worth in the table: the GPU worker gets 96 times the CPU worker's local steps.
    assertThat(g.capacity() / c.capacity()).isEqualTo(96.0);
    assertThat(placed.reasons()).anySatisfy(r -> assertThat(r).contains("GPU table A100", "from ResourceSlice a"));
  }

  @Test
  void aPoolWithoutDeviceClaimDoesNotLandOnDraOnlyGpusAndSaysWhy() {
    var gpus = DraGpus.byNode(List.of(slice("a", "dra-a", 1, 1, gpu("gpu-0", "Tesla T4", 16))), Set.of(), new ArrayList<>());
    NodeInfo node = cpuNode("dra-a", 8, Map.of()).withDraGpus(gpus.get("dra-a"));
    var result = new CapacityPlanner(PlannerConfig.defaults()).plan("j", spec(perWorker(32), List.of(gpuPool("g", 1))), List.of(node));
    assertThat(result).isInstanceOf(PlanResult.Unplaceable.class);
    assertThat(((PlanResult.Unplaceable) result).summary()).contains("published through DRA: set the pool's deviceClaim");
  }

  static PoolSpec claimPool(String name, int replicas) {
    return new PoolSpec(name, DeviceClass.GPU, replicas, null, null, null, null, null, null, null, null, null, null, null,
        new DeviceClaimSpec("gpu.nvidia.com"));
  }
}
