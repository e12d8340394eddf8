package dev.hetero.training.api.planner;

/**
 * What a DRA driver says about a node's GPUs (NVIDIA's gpu.nvidia.com attributes productName and
 * cudaComputeCapability, capacity memory), and which ResourceSlice said it. When a node's GPUs differ,
 * these are the first device's by name and the planner notes the mix (a worker may land on any of them).
 */
public record GpuFacts(String productName, long memoryBytes, String computeCapability, String source) {
}
