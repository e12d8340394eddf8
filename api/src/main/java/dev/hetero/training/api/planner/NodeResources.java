package dev.hetero.training.api.planner;

/** Amounts of the three resources the planner reasons about. */
public record NodeResources(long cpuMillis, long memoryBytes, long gpus) {
  public static final NodeResources NONE = new NodeResources(0, 0, 0);

  public NodeResources minus(NodeResources other) {
    return new NodeResources(cpuMillis - other.cpuMillis, memoryBytes - other.memoryBytes, gpus - other.gpus);
  }

  public NodeResources plus(NodeResources other) {
    return new NodeResources(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, gpus + other.gpus);
  }
}
