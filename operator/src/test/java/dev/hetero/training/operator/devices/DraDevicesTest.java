package dev.hetero.training.operator.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.DraGpus;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.model.DeviceClaims;
import dev.hetero.training.operator.model.NodeInventoryBuilder;
import dev.hetero.training.operator.model.WorkerPodFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DRA objects of NVIDIA's shape into the planner's view, and what a claim pool's pods and template look like. */
class DraDevicesTest {
  /** As NVIDIA's gpu-kubelet-plugin publishes a node with two full GPUs (attributes trimmed to those it always sets). */
  static final String SLICE = """
      apiVersion: resource.k8s.io/v1
      kind: ResourceSlice
      metadata: {name: dra-a-gpu.nvidia.com-x7k2p}
      spec:
        driver: gpu.nvidia.com
        nodeName: dra-a
        pool: {name: dra-a, generation: 1, resourceSliceCount: 1}
        devices:
        - name: gpu-0
          attributes:
            type: {string: gpu}
            uuid: {string: GPU-4d8c1d3e-0000-0000-0000-000000000000}
            productName: {string: NVIDIA A100-SXM4-40GB}
            brand: {string: Nvidia}
            architecture: {string: Ampere}
            cudaComputeCapability: {version: 8.0.0}
            driverVersion: {version: 580.65.6}
            resource.kubernetes.io/pcieRoot: {string: pci0000:00}
          capacity:
            memory: {value: 40Gi}
        - name: gpu-1
          attributes:
            type: {string: gpu}
            productName: {string: NVIDIA A100-SXM4-40GB}
            cudaComputeCapability: {version: 8.0.0}
          capacity:
            memory: {value: 40Gi}
      """;

  static ResourceClaim claim(String name, String ownerPodUid, String device) {
    return Serialization.unmarshal("""
        apiVersion: resource.k8s.io/v1
        kind: ResourceClaim
        metadata:
          name: %s
          namespace: other
          ownerReferences: [{apiVersion: v1, kind: Pod, name: p, uid: %s}]
        spec: {devices: {requests: [{name: gpus, exactly: {deviceClassName: gpu.nvidia.com}}]}}
        status:
          allocation:
            devices:
              results: [{request: gpus, driver: gpu.nvidia.com, pool: dra-a, device: %s}]
        """.formatted(name, ownerPodUid, device), ResourceClaim.class);
  }

  @Test
  void aSliceOfNvidiasShapeGivesTheNodesGpusTheirProductAndMemory() {
    DraGpus.Slice slice = DraSlices.slice(Serialization.unmarshal(SLICE, ResourceSlice.class));
    assertThat(slice.nodeName()).isEqualTo("dra-a");
    assertThat(slice.devices()).hasSize(2);
    var gpus = DraGpus.byNode(List.of(slice), Set.of(), new ArrayList<>()).get("dra-a");
    assertThat(gpus.total()).isEqualTo(2);
    assertThat(gpus.facts().productName()).isEqualTo("NVIDIA A100-SXM4-40GB");
    assertThat(gpus.facts().computeCapability()).isEqualTo("8.0.0");
    assertThat(gpus.facts().memoryBytes()).isEqualTo(40L << 30);
  }

  @Test
  void devicesHeldByOtherPodsClaimsAreTakenTheJobsOwnAreNot() {
    ResourceClaim unallocated = Serialization.unmarshal("""
        apiVersion: resource.k8s.io/v1
        kind: ResourceClaim
        metadata: {name: pending, namespace: other}
        spec: {devices: {requests: [{name: gpus, exactly: {deviceClassName: gpu.nvidia.com}}]}}
        """, ResourceClaim.class);
    var taken = DraSlices.allocatedElsewhere(List.of(claim("mine", "own-pod", "gpu-0"), claim("theirs", "other-pod", "gpu-1"),
        unallocated), Set.of("own-pod"));
    assertThat(taken).containsExactly(new DraGpus.DeviceId("gpu.nvidia.com", "dra-a", "gpu-1"));

    var view = new DraView(DraGpus.byNode(List.of(DraSlices.slice(Serialization.unmarshal(SLICE, ResourceSlice.class))), taken,
        new ArrayList<>()), List.of());
    NodeInfo node = NodeInventoryBuilder.build(List.of(Fixtures.cpuNode("dra-a", "8")), List.of(), "uid-1", Set.of(), view).get(0);
    assertThat(node.allocatable().gpus()).as("no nvidia.com/gpu on a DRA-only node").isZero();
    assertThat(node.allocatable().claimableGpus()).isEqualTo(2);
    assertThat(node.free().claimableGpus()).isEqualTo(1);
    assertThat(node.gpuFacts().productName()).contains("A100");
  }

  @Test
  void aClaimPoolsPodsNameThePoolsTemplateAndRequestNoNvidiaGpu() {
    HeteroTrainingJob job = JobYaml.named("dra").namespace("team-a").epochs(1).perWorkerBatch(64).dataPath("/data/fashion-mnist")
        .pool("{name: gpu, deviceClass: gpu, replicas: 1, gpusPerWorker: 2, deviceClaim: {}}")
        .pool("{name: cpu, deviceClass: cpu, replicas: 1}").job();
    job.getMetadata().setUid("uid-1");
    var spec = SpecDefaults.apply(job.getSpec());
    assertThat(spec.pools().get(0).deviceClaim().deviceClassName()).as("defaulted").isEqualTo("gpu.nvidia.com");
    var view = new DraView(DraGpus.byNode(List.of(DraSlices.slice(Serialization.unmarshal(SLICE, ResourceSlice.class))), Set.of(),
        new ArrayList<>()), List.of());
    var nodes = NodeInventoryBuilder.build(List.of(Fixtures.cpuNode("dra-a", "8")), List.of(), "uid-1", Set.of(), view);
    var placed = (PlanResult.Placed) new CapacityPlanner(PlannerConfig.defaults()).plan("dra", spec, nodes);
    var plan = new PlanDocument("dra", "team-a", 1, spec, placed.workers());

    Pod gpu = WorkerPodFactory.create(new WorkerPodFactory.JobRef(job, plan, "img:1"), plan.worker("dra-gpu-0").orElseThrow());
    assertThat(gpu.getSpec().getResourceClaims()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo(DeviceClaims.CLAIM);
      assertThat(c.getResourceClaimTemplateName()).isEqualTo("dra-gpu-gpus");
    });
    Container container = gpu.getSpec().getContainers().get(0);
    assertThat(container.getResources().getClaims()).singleElement().satisfies(c -> assertThat(c.getName()).isEqualTo("gpus"));
    assertThat(container.getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
    assertThat(container.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    Pod cpu = WorkerPodFactory.create(new WorkerPodFactory.JobRef(job, plan, "img:1"), plan.worker("dra-cpu-0").orElseThrow());
    assertThat(cpu.getSpec().getResourceClaims()).isNullOrEmpty();

    var templates = DeviceClaims.desiredTemplates(job, spec);
    assertThat(templates).singleElement().satisfies(t -> {
      assertThat(t.getMetadata().getName()).isEqualTo("dra-gpu-gpus");
      assertThat(t.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
      var request = t.getSpec().getSpec().getDevices().getRequests().get(0);
      assertThat(request.getName()).isEqualTo("gpus");
      assertThat(request.getExactly().getDeviceClassName()).isEqualTo("gpu.nvidia.com");
      assertThat(request.getExactly().getCount()).isEqualTo(2L);
    });
    assertThat(DeviceClaims.sameRequest(templates.get(0), DeviceClaims.desiredTemplates(job, spec).get(0))).isTrue();
  }

  @Test
  void jobsWithoutAClaimPoolAreNotWokenBySliceChanges() {
    assertThat(DraDevices.claimsDevices(Fixtures.job("plain", "team-a"))).isFalse();
    assertThat(DraDevices.claimsDevices(JobYaml.named("dra").namespace("team-a").perWorkerBatch(64).dataPath("/d")
        .pool("{name: gpu, deviceClass: gpu, replicas: 1, deviceClaim: {deviceClassName: gpu.example.com}}").job())).isTrue();
  }
}
