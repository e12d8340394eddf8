package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.autoPool;
import static dev.hetero.training.api.Fixtures.cpuNode;
import static dev.hetero.training.api.Fixtures.cpuPool;
import static dev.hetero.training.api.Fixtures.global;
import static dev.hetero.training.api.Fixtures.gpuNode;
import static dev.hetero.training.api.Fixtures.gpuPool;
import static dev.hetero.training.api.Fixtures.perWorker;
import static dev.hetero.training.api.Fixtures.spec;
import static dev.hetero.training.api.Fixtures.withTaint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.CapacitySource;
import dev.hetero.training.api.v1alpha1.ClassWeights;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceFallback;
import dev.hetero.training.api.v1alpha1.LocalStepsPolicy;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.WorkerResources;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.api.v1alpha1.WorkerToleration;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {
  private final CapacityPlanner planner = new CapacityPlanner(PlannerConfig.defaults());

  private List<PlannedWorker> placed(PlanResult result) {
    assertThat(result).isInstanceOf(PlanResult.Placed.class);
    return ((PlanResult.Placed) result).workers();
  }

  @Test
  void mixedJobPlacesOneWorkerPerGpuAndPerCoreWithReferenceStyleSteps() {
    var nodes = List.of(gpuNode("gpu-a", 2, 8, "Tesla-V100-SXM2-16GB"), cpuNode("cpu-a", 2, Map.of()), cpuNode("cpu-b", 2, Map.of()));
    var result = planner.plan("job", spec(perWorker(64), List.of(gpuPool("gpu", 2), cpuPool("cpu", 4))), nodes);

    List<PlannedWorker> workers = placed(result);
    assertThat(workers).extracting(PlannedWorker::worker)
        .containsExactly("job-gpu-0", "job-gpu-1", "job-cpu-0", "job-cpu-1", "job-cpu-2", "job-cpu-3");
    assertThat(workers).extracting(PlannedWorker::rank).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(workers.subList(0, 2)).allSatisfy(w -> {
      assertThat(w.node()).isEqualTo("gpu-a");
      assertThat(w.capacity()).isEqualTo(32.0);
      assertThat(w.localSteps()).isEqualTo(32);
      assertThat(w.role()).isEqualTo(WorkerRole.FAST);
    });
    // The GPU node's 8 cores are free after the GPU workers took 2: the CPU pool packs fastest-first,
    // all nodes equal at 1 core per worker, so ties go by name: cpu-a, cpu-b, then gpu-a.
    assertThat(workers.subList(2, 6)).allSatisfy(w -> {
      assertThat(w.capacity()).isEqualTo(1.0);
      assertThat(w.localSteps()).isEqualTo(1);
      assertThat(w.batchSize()).isEqualTo(64);
      assertThat(w.role()).isEqualTo(WorkerRole.SLOW);
    });
    assertThat(workers.subList(2, 6)).extracting(PlannedWorker::node).containsExactly("cpu-a", "cpu-a", "cpu-b", "cpu-b");
    assertThat(workers.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void capacityLabelBeatsPerDeviceLabelBeatsGpuTable() {
    var labelled = new NodeInfo("n1", Map.of(CapacityLabels.CAPACITY, "50", CapacityLabels.CAPACITY_PER_GPU, "7",
        CapacityLabels.GPU_PRODUCT, "NVIDIA-A100-SXM4-80GB"), new NodeResources(8000, 1L << 36, 1), null, true, null);
    var perGpu = new NodeInfo("n2", Map.of(CapacityLabels.CAPACITY_PER_GPU, "7",
        CapacityLabels.GPU_PRODUCT, "NVIDIA-A100-SXM4-80GB"), new NodeResources(8000, 1L << 36, 1), null, true, null);
    var table = gpuNode("n3", 1, 8, "NVIDIA-A100-SXM4-80GB");
    var unknown = gpuNode("n4", 1, 8, "Acme-Tensor-9000");

    var workers = placed(planner.plan("j", spec(perWorker(32), List.of(gpuPool("g", 4))), List.of(unknown, table, perGpu, labelled)));

    assertThat(workers).extracting(PlannedWorker::node, PlannedWorker::capacity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("n3", 96.0),
            org.assertj.core.groups.Tuple.tuple("n1", 50.0),
            org.assertj.core.groups.Tuple.tuple("n4", 16.0),
            org.assertj.core.groups.Tuple.tuple("n2", 7.0));
  }

  @Test
  void gpuTablePrefersTheLongestMatchingProductKey() {
    assertThat(PlannerConfig.defaults().gpuEntryFor("NVIDIA-A100-PCIE-40GB")).get().extracting(Map.Entry::getKey).isEqualTo("A100");
    assertThat(PlannerConfig.defaults().gpuEntryFor("NVIDIA-A10")).get().extracting(Map.Entry::getKey).isEqualTo("A10");
    assertThat(PlannerConfig.defaults().gpuEntryFor("NVIDIA-L40S")).get().extracting(Map.Entry::getKey).isEqualTo("L40S");
    assertThat(PlannerConfig.defaults().withGpuCapacities(Map.of("L40S", 70.0)).gpuEntryFor("nvidia-l40s"))
        .get().extracting(Map.Entry::getValue).isEqualTo(70.0);
  }

  @Test
  void nonsenseLabelsAreIgnoredWithAReasonNeverAnException() {
    var nodes = List.of(
        cpuNode("a", 2, Map.of(CapacityLabels.CAPACITY, "fast")),
        cpuNode("b", 2, Map.of(CapacityLabels.CAPACITY, "-3")),
        cpuNode("c", 2, Map.of(CapacityLabels.CAPACITY_PER_CPU, "NaN")),
        cpuNode("d", 2, Map.of(CapacityLabels.CAPACITY, "Infinity")));

    var result = planner.plan("j", spec(perWorker(16), List.of(cpuPool("cpu", 8))), nodes);

    assertThat(placed(result)).allSatisfy(w -> assertThat(w.capacity()).isEqualTo(1.0));
    assertThat(result.reasons()).anySatisfy(r -> assertThat(r).contains("node a").contains("capacity=fast").contains("not a number"))
        .anySatisfy(r -> assertThat(r).contains("node b").contains("not a positive finite number"))
        .anySatisfy(r -> assertThat(r).contains("node c").contains("capacity-per-cpu=NaN"))
        .anySatisfy(r -> assertThat(r).contains("node d").contains("capacity=Infinity"));
  }

  @Test
  void respectsTaintsSelectorsUnschedulableNodesAndExistingRequests() {
    var tainted = withTaint(gpuNode("tainted", 4, 8, "Tesla-T4"), "nvidia.com/gpu", "NoSchedule");
    var cordoned = new NodeInfo("cordoned", Map.of(), new NodeResources(8000, 1L << 36, 4), null, false, null);
    var busy = new NodeInfo("busy", Map.of(), new NodeResources(8000, 1L << 36, 4), new NodeResources(1000, 0, 3), true, null);
    var other = gpuNode("other-zone", 4, 8, "Tesla-T4");
    var zone = Map.of("zone", "a");
    var busyInZone = new NodeInfo(busy.name(), zone, busy.allocatable(), busy.requested(), true, null);
    var taintedInZone = new NodeInfo(tainted.name(), zone, tainted.allocatable(), tainted.requested(), true, tainted.taints());
    var cordonedInZone = new NodeInfo(cordoned.name(), zone, cordoned.allocatable(), null, false, null);

    PoolSpec noToleration = new PoolSpec("g", DeviceClass.GPU, 2, null, null, null, null, null, null, zone, null, null, null, null);
    var refused = planner.plan("j", spec(perWorker(8), List.of(noToleration)), List.of(taintedInZone, cordonedInZone, busyInZone, other));
    assertThat(refused).isInstanceOf(PlanResult.Unplaceable.class);
    assertThat(((PlanResult.Unplaceable) refused).summary())
        .contains("pool g needs 2 workers of 1 nvidia.com/gpu")
        .contains("only 1 fit")
        .contains("taint nvidia.com/gpu:NoSchedule not tolerated")
        .contains("unschedulable")
        .contains("nodeSelector zone=a not matched");

    PoolSpec tolerating = new PoolSpec("g", DeviceClass.GPU, 2, null, null, null, null, null, null, zone,
        List.of(new WorkerToleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null)), null, null, null);
    var workers = placed(planner.plan("j", spec(perWorker(8), List.of(tolerating)), List.of(taintedInZone, cordonedInZone, busyInZone, other)));
    assertThat(workers).extracting(PlannedWorker::node).containsExactlyInAnyOrder("busy", "tainted");
  }

  @Test
  void autoPoolFillsFreeCapacityUpToMaxAndRefusesBelowMin() {
    var nodes = List.of(cpuNode("a", 3, Map.of()), cpuNode("b", 2, Map.of()));
    assertThat(placed(planner.plan("j", spec(perWorker(8), List.of(autoPool("cpu", DeviceClass.CPU, 1, 64))), nodes))).hasSize(5);
    assertThat(placed(planner.plan("j", spec(perWorker(8), List.of(autoPool("cpu", DeviceClass.CPU, 1, 4))), nodes))).hasSize(4);
    var tooFew = planner.plan("j", spec(perWorker(8), List.of(autoPool("cpu", DeviceClass.CPU, 6, 8))), nodes);
    assertThat(tooFew).isInstanceOf(PlanResult.Unplaceable.class);
    assertThat(((PlanResult.Unplaceable) tooFew).missing()).singleElement().asString().contains("needs 6 workers").contains("only 5 fit");
  }

  @Test
  void memoryRequestsLimitWorkersPerNode() {
    var resources = new WorkerResources(Map.of("memory", new Quantity("24Gi")), null);
    var pool = new PoolSpec("cpu", DeviceClass.CPU, null, 1, 64, null, null, null, null, null, null, resources, null, null);
    var workers = placed(planner.plan("j", spec(perWorker(8), List.of(pool)), List.of(cpuNode("a", 16, Map.of()))));
    assertThat(workers).hasSize(2); // 64 GiB / 24 GiB
  }

  @Test
  void globalBatchIsSplitByCapacityAndStepsMakeUpWhatTheMinimumCut() {
    var nodes = List.of(gpuNode("g", 2, 8, "Tesla-V100"), cpuNode("c", 2, Map.of()));
    var allocation = new AllocationSpec(null, 8, 1024, new LocalStepsSpec(LocalStepsPolicy.EQUAL_TIME, 1, 1024));
    var result = planner.plan("j", spec(Algorithm.BIASED_LOCAL_SGD, global(256), allocation, null,
        List.of(gpuPool("gpu", 2), cpuPool("cpu", 2))), nodes);

    var workers = placed(result);
    // Ideal shares 256*32/66 = 124.1 for GPUs and 3.9 for CPUs; CPUs are raised to the minimum 8,
    // GPUs split the rest 120/120; the CPUs' round (8 samples at capacity 1) sets the pace, and the
    // GPUs get round(8 * 32 / 120) = 2 steps to fill it.
    assertThat(workers).extracting(PlannedWorker::batchSize).containsExactly(120, 120, 8, 8);
    assertThat(workers).extracting(PlannedWorker::localSteps).containsExactly(2, 2, 1, 1);
  }

  @Test
  void syncSgdAlwaysUsesOneLocalStep() {
    var nodes = List.of(gpuNode("g", 1, 8, "Tesla-V100"), cpuNode("c", 1, Map.of()));
    var workers = placed(planner.plan("j", spec(Algorithm.SYNC_SGD, perWorker(64), null, null,
        List.of(gpuPool("gpu", 1), cpuPool("cpu", 1))), nodes));
    assertThat(workers).extracting(PlannedWorker::localSteps).containsExactly(1, 1);
  }

  @Test
  void infeasibleGlobalBatchIsReportedNotThrown() {
    var result = planner.plan("j", spec(global(10), List.of(cpuPool("cpu", 4))), List.of(cpuNode("a", 4, Map.of())));
    assertThat(result).isInstanceOf(PlanResult.Unplaceable.class);
    assertThat(((PlanResult.Unplaceable) result).summary()).contains("spec.training.batch.global 10 cannot be split among 4 workers within [8, 1024]");
  }

  @Test
  void aggregationWeightsFollowThePolicy() {
    var nodes = List.of(gpuNode("g", 1, 8, "Tesla-V100"), cpuNode("c", 1, Map.of()));
    var pools = List.of(gpuPool("gpu", 1), cpuPool("cpu", 1));
    // Work per round: GPU 64 x 32 = 2048, CPU 64 x 1 = 64.
    var uniform = placed(planner.plan("j", spec(Algorithm.BIASED_LOCAL_SGD, perWorker(64), null, null, pools), nodes));
    assertThat(uniform).extracting(PlannedWorker::weight).containsExactly(0.5, 0.5);
    var proportional = placed(planner.plan("j", spec(Algorithm.BIASED_LOCAL_SGD, perWorker(64), null,
        new AggregationSpec(AggregationPolicy.WORK_PROPORTIONAL, null, null, null), pools), nodes));
    assertThat(proportional).extracting(PlannedWorker::weight).containsExactly(round6(2048.0 / 2112), round6(64.0 / 2112));
    var power = placed(planner.plan("j", spec(Algorithm.BIASED_LOCAL_SGD, perWorker(64), null,
        new AggregationSpec(AggregationPolicy.POWER, 0.5, null, null), pools), nodes));
    double g = Math.sqrt(2048);
    double c = Math.sqrt(64);
    assertThat(power).extracting(PlannedWorker::weight).containsExactly(round6(g / (g + c)), round6(c / (g + c)));
    var explicit = placed(planner.plan("j", spec(Algorithm.BIASED_LOCAL_SGD, perWorker(64), null,
        new AggregationSpec(AggregationPolicy.EXPLICIT, null, new ClassWeights(3.0, 1.0), null), pools), nodes));
    assertThat(explicit).extracting(PlannedWorker::weight).containsExactly(0.75, 0.25);
    var allZero = planner.plan("j", spec(Algorithm.BIASED_LOCAL_SGD, perWorker(64), null,
        new AggregationSpec(AggregationPolicy.EXPLICIT, null, new ClassWeights(1.0, 0.0), null), List.of(cpuPool("cpu", 1))), nodes);
    assertThat(allZero).isInstanceOf(PlanResult.Unplaceable.class);
  }

  @Test
  void uniformCapacitySourceIgnoresHardware() {
    var nodes = List.of(gpuNode("g", 1, 8, "NVIDIA-H100"), cpuNode("c", 1, Map.of()));
    var allocation = new AllocationSpec(CapacitySource.UNIFORM, null, null, null);
    var workers = placed(planner.plan("j", spec(Algorithm.LOCAL_SGD, global(128), allocation, null,
        List.of(gpuPool("gpu", 1), cpuPool("cpu", 1))), nodes));
    assertThat(workers).extracting(PlannedWorker::batchSize).containsExactly(64, 64);
    assertThat(workers).extracting(PlannedWorker::role).containsOnly(WorkerRole.FAST);
  }

  @Test
  void simulatedSlowdownDividesCapacity() {
    var slow = new PoolSpec("slow", DeviceClass.CPU, 2, null, null, null, null, null, 8.0, null, null, null, null, null);
    var workers = placed(planner.plan("j", spec(perWorker(32), List.of(cpuPool("fast", 2), slow)), List.of(cpuNode("local", 4, Map.of()))));
    assertThat(workers).extracting(PlannedWorker::localSteps).containsExactly(8, 8, 1, 1);
    assertThat(workers).extracting(PlannedWorker::role).containsExactly(WorkerRole.FAST, WorkerRole.FAST, WorkerRole.SLOW, WorkerRole.SLOW);
  }

  @Test
  void aGpuPoolsDeviceFallbackIsCarriedToEachOfItsWorkersAndNowhereElse() {
    var lenient = new PoolSpec("g", DeviceClass.GPU, 1, null, null, null, null, null, null, null, null, null, null,
        DeviceFallback.CPU);
    var strict = new PoolSpec("s", DeviceClass.GPU, 1, null, null, null, null, null, null, null, null, null, null,
        DeviceFallback.NONE);
    var workers = placed(planner.plan("j", spec(perWorker(32), List.of(lenient, strict, cpuPool("c", 1))),
        List.of(gpuNode("n", 2, 8, "Tesla-T4"))));
    assertThat(workers).extracting(PlannedWorker::worker, PlannedWorker::deviceFallback)
        .containsExactlyInAnyOrder(tuple("j-g-0", DeviceFallback.CPU), tuple("j-s-0", null), tuple("j-c-0", null));
    assertThat(workers).extracting(PlannedWorker::deviceFallbackOrNone)
        .containsExactlyInAnyOrder(DeviceFallback.CPU, DeviceFallback.NONE, DeviceFallback.NONE);
  }

  @Test
  void sameNodesInAnyOrderGiveTheSamePlan() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      nodes.add(i % 5 == 0 ? gpuNode("n" + i, 1 + i % 3, 16, i % 2 == 0 ? "NVIDIA-A100" : "Tesla-T4") : cpuNode("n" + i, 1 + i % 7, Map.of()));
    }
    var spec = spec(global(2048), List.of(autoPool("gpu", DeviceClass.GPU, 1, 20), autoPool("cpu", DeviceClass.CPU, 1, 64)));
    var first = planner.plan("j", spec, nodes);
    Collections.shuffle(nodes, new Random(3));
    assertThat(planner.plan("j", spec, nodes)).isEqualTo(first);
  }

  @Test
  void boundWorkersAreSizedFromTheNodesTheyLandedOnAsAFreshPlanWouldBe() {
    var gpu = gpuNode("gpu-a", 2, 8, "Tesla-V100-SXM2-16GB");
    var cpuA = cpuNode("cpu-a", 2, Map.of());
    var cpuB = cpuNode("cpu-b", 2, Map.of());
    var spec = spec(global(512), List.of(gpuPool("gpu", 2), cpuPool("cpu", 2)));
    // Given out of order: ranks still follow the pools' order in the spec, then the index.
    var sized = placed(planner.sizeBound("job", spec, List.of(new BoundWorker("cpu", 1, cpuA), new BoundWorker("gpu", 1, gpu),
        new BoundWorker("cpu", 0, cpuA), new BoundWorker("gpu", 0, gpu))));

    assertThat(sized).extracting(PlannedWorker::worker).containsExactly("job-gpu-0", "job-gpu-1", "job-cpu-0", "job-cpu-1");
    assertThat(sized).extracting(PlannedWorker::rank).containsExactly(0, 1, 2, 3);
    assertThat(sized).extracting(PlannedWorker::node).containsExactly("gpu-a", "gpu-a", "cpu-a", "cpu-a");
    assertThat(sized.stream().mapToInt(PlannedWorker::batchSize).sum()).isEqualTo(512);
    // The placement the planner itself picks (it packs cpu-a first), sized the same way: the same work.
    var fresh = placed(planner.plan("job", spec, List.of(gpu, cpuA, cpuB)));
    assertThat(fresh).extracting(PlannedWorker::node).containsExactly("gpu-a", "gpu-a", "cpu-a", "cpu-a");
    assertThat(sized).isEqualTo(fresh);
    // Bound elsewhere: the plan follows where the pods landed.
    var onCpuB = placed(planner.sizeBound("job", spec, List.of(new BoundWorker("gpu", 0, gpu), new BoundWorker("gpu", 1, gpu),
        new BoundWorker("cpu", 0, cpuA), new BoundWorker("cpu", 1, cpuB))));
    assertThat(onCpuB).extracting(PlannedWorker::node).containsExactly("gpu-a", "gpu-a", "cpu-a", "cpu-b");
  }

  @Test
  void boundWorkersOfAnUnknownPoolAreRefused() {
    var spec = spec(perWorker(32), List.of(cpuPool("cpu", 1)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> planner.sizeBound("job", spec,
        List.of(new BoundWorker("gpu", 0, cpuNode("cpu-a", 2, Map.of()))))).hasMessageContaining("unknown pool gpu");
  }

  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
