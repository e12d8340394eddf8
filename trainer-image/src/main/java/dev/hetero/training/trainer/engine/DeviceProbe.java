package dev.hetero.training.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import dev.hetero.training.trainer.config.DjlSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Looks for CUDA devices (the edge of {@link DeviceSelection}): loads the engine (configured
 * first, so it stays offline) and asks it how many GPUs it sees and whether its native library
 * has CUDA at all. A failure to load is reported as zero devices with the reason, never thrown:
 * the decision, not the probe, says what that means.
 */
public final class DeviceProbe {
  private static final Path DEVICE_NODE = Path.of("/dev/nvidia0");

  private DeviceProbe() {
  }

  public static ProbedDevices probe(DjlSettings djl) {
    boolean node = Files.exists(DEVICE_NODE);
    try {
      DjlRuntime.configure(djl);
      Engine engine = Engine.getInstance();
      return new ProbedDevices(engine.getEngineName() + " " + engine.getVersion(), engine.hasCapability(StandardCapabilities.CUDA),
          engine.getGpuCount(), djl.nvidiaVisibleDevices(), djl.cudaVisibleDevices(), node);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return new ProbedDevices("an engine that did not load (" + e.getMessage() + ")", false, 0, djl.nvidiaVisibleDevices(),
          djl.cudaVisibleDevices(), node);
    }
  }
}
