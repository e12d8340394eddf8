package dev.hetero.training.operator.devices;

import dev.hetero.training.api.planner.DraGpus;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile knows of the GPUs published through DRA: per node, the full GPUs of complete
 * ResourceSlices and how many other pods' claims hold, and why slices or devices were left out.
 * Empty on clusters that do not serve resource.k8s.io/v1 or publish no NVIDIA ResourceSlices.
 */
public record DraView(Map<String, DraGpus.NodeGpus> gpusByNode, List<String> notes) {
  public static final DraView NONE = new DraView(Map.of(), List.of());

  public DraView {
    gpusByNode = Map.copyOf(gpusByNode);
    notes = List.copyOf(notes);
  }
}
