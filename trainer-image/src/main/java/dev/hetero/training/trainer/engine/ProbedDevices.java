package dev.hetero.training.trainer.engine;

/**
 * What a worker found when it looked for CUDA devices: enough to decide ({@link #cudaDevices}) and
 * to say plainly, in a failure, why there was nothing to train on.
 *
 * @param engine the engine and its version as loaded, e.g. "PyTorch 2.7.1", or why it did not load
 * @param engineHasCuda whether the loaded native library was built with CUDA (the CPU image's is not)
 * @param cudaDevices CUDA devices the engine sees (0 without a driver, a device or CUDA natives)
 * @param nvidiaVisibleDevices NVIDIA_VISIBLE_DEVICES as set by the device plugin, or null
 * @param cudaVisibleDevices CUDA_VISIBLE_DEVICES, or null
 * @param deviceNodePresent whether /dev/nvidia0 exists (the container runtime mounts it with a GPU)
 */
public record ProbedDevices(String engine, boolean engineHasCuda, int cudaDevices, String nvidiaVisibleDevices,
    String cudaVisibleDevices, boolean deviceNodePresent) {

  /** One line for a log or a failure message. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(cudaDevices).append(" CUDA device(s) visible to ").append(engine)
        .append(engineHasCuda ? " (native library built with CUDA)" : " (CPU-only native library)");
    s.append("; NVIDIA_VISIBLE_DEVICES=").append(nvidiaVisibleDevices == null ? "(unset)" : "'" + nvidiaVisibleDevices + "'");
    if (cudaVisibleDevices != null) {
      s.append(", CUDA_VISIBLE_DEVICES='").append(cudaVisibleDevices).append("'");
    }
    s.append("; /dev/nvidia0 ").append(deviceNodePresent ? "present" : "absent");
    return s.toString();
  }
}
