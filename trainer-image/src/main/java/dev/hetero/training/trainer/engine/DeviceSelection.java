package dev.hetero.training.trainer.engine;

import ai.djl.Device;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceFallback;

/**
 * Which device a worker trains on, pure: from the device class its plan entry asks for, what the
 * probe found and the pool's fallback. A GPU worker takes the first CUDA device it sees (a pod
 * sees only the GPUs the device plugin gave it, a worker of the local runner only the one its
 * CUDA_VISIBLE_DEVICES names, both numbered from 0). With no CUDA device it trains on the CPU only
 * when its pool says {@code deviceFallback: cpu}; otherwise there is nothing to train on, which
 * is a failure naming the worker, what it asked for and what it found.
 */
public final class DeviceSelection {
  private DeviceSelection() {
  }

  /** The decision. */
  public sealed interface Choice permits Train, NoDevice {
  }

  /**
   * Train on this device.
   *
   * @param fellBack true when a GPU worker trains on the CPU because its pool allows it
   * @param note what to log about the choice (why it fell back, GPUs left unused), or null
   */
  public record Train(Device device, boolean fellBack, String note) implements Choice {
  }

  /** No usable device: the worker exits with ExitCodes.NO_DEVICE and this message. */
  public record NoDevice(String message) implements Choice {
  }

  /**
   * @param worker the worker's name (its pod's name in a cluster)
   * @param pool its pool
   * @param requested the device class of its plan entry
   * @param gpusPerWorker GPUs its pod was given (1 when unknown)
   * @param fallback its plan entry's fallback
   * @param found what the probe found; not consulted for a CPU worker (null allowed there)
   */
  public static Choice choose(String worker, String pool, DeviceClass requested, int gpusPerWorker, DeviceFallback fallback,
      ProbedDevices found) {
    if (requested != DeviceClass.GPU) {
      return new Train(Device.cpu(), false, null);
    }
    if (found.cudaDevices() > 0) {
      String note = gpusPerWorker > 1 ? "worker " + worker + " trains on gpu(0) only: a worker trains on one device, "
          + (gpusPerWorker - 1) + " of its " + gpusPerWorker + " GPUs stay idle" : null;
      return new Train(Device.gpu(0), false, note);
    }
    if (fallback == DeviceFallback.CPU) {
      return new Train(Device.cpu(), true, "worker " + worker + " (pool " + pool + ") asked for a CUDA device and found none ("
          + found.describe() + "); training on the CPU because the pool's deviceFallback is cpu");
    }
    return new NoDevice("worker " + worker + " (pool " + pool + ") asked for a CUDA device (deviceClass gpu, deviceFallback none)"
        + " and found none: " + found.describe() + ". Run it with the GPU trainer image on a node with the NVIDIA driver,"
        + " or set spec.pools[" + pool + "].deviceFallback: cpu to let it train on the CPU");
  }
}
