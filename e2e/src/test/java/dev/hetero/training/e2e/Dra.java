package dev.hetero.training.e2e;

import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Dynamic Resource Allocation objects of NVIDIA's shape, written by hand: the DeviceClass its chart
 * installs and the ResourceSlice its gpu-kubelet-plugin publishes for a node (no driver runs here;
 * the real claim controller and scheduler allocate from these).
 */
final class Dra {
  private Dra() {
  }

  /** NVIDIA's DeviceClass for full GPUs of its driver. */
  static void installDeviceClass(KubernetesClient client) {
    client.resource(Serialization.unmarshal("""
        apiVersion: resource.k8s.io/v1
        kind: DeviceClass
        metadata: {name: gpu.nvidia.com}
        spec:
          selectors:
          - cel: {expression: "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'gpu'"}
        """, DeviceClass.class)).serverSideApply();
  }

  /** The slice of a node's pool (named after the node) holding {@code gpus} full GPUs of one product. */
  static ResourceSlice slice(String node, long generation, long sliceCount, String product, int gpus) {
    StringBuilder devices = new StringBuilder();
    for (int i = 0; i < gpus; i++) {
      devices.append("""
          - name: gpu-%d
            attributes:
              type: {string: gpu}
              uuid: {string: GPU-%s-%d}
              productName: {string: %s}
              architecture: {string: Ampere}
              cudaComputeCapability: {version: 8.0.0}
              driverVersion: {version: 580.65.6}
            capacity:
              memory: {value: 40Gi}
          """.formatted(i, node, i, product));
    }
    return Serialization.unmarshal("""
        apiVersion: resource.k8s.io/v1
        kind: ResourceSlice
        metadata: {name: %s-gpu.nvidia.com}
        spec:
          driver: gpu.nvidia.com
          nodeName: %s
          pool: {name: %s, generation: %d, resourceSliceCount: %d}
          devices:
        %s""".formatted(node, node, node, generation, sliceCount, devices.toString().indent(2)), ResourceSlice.class);
  }
}
