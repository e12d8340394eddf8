package dev.hetero.training.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceFallback;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.engine.DeviceProbe;
import dev.hetero.training.trainer.engine.DeviceSelection;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.engine.ProbedDevices;
import java.io.PrintStream;

/**
 * {@code selfcheck [--device cpu|gpu]}: loads the PyTorch engine offline (extracting the native
 * libraries into DJL_CACHE_DIR on the first call, which is why the image build runs it once),
 * computes one small tensor sum on the device to prove the natives work, and prints the versions.
 * Exit 0 when all went well; with {@code --device gpu} and no CUDA device, 69 (ExitCodes.NO_DEVICE)
 * with the same decision and message as a GPU worker without a device.
 */
final class SelfCheck {
  private SelfCheck() {
  }

  static int run(DjlSettings djl, DeviceClass deviceClass, PrintStream out, PrintStream err) {
    DjlRuntime.configure(djl);
    long t0 = System.nanoTime();
    Engine engine = Engine.getEngine("PyTorch");
    DeviceSelection.Choice choice = commandDevice(djl, deviceClass, "selfcheck");
    if (choice instanceof DeviceSelection.NoDevice none) {
      err.println("error: " + none.message());
      return ExitCodes.NO_DEVICE;
    }
    Device device = ((DeviceSelection.Train) choice).device();
    float sum;
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray a = manager.create(new float[] {1f, 2f, 3f, 4f});
      sum = a.mul(2).sum().getFloat();
    }
    if (sum != 20f) {
      throw new IllegalStateException("selfcheck: PyTorch computed " + sum + " for 2 x (1+2+3+4) on " + device);
    }
    out.println("hetero-trainer selfcheck: ok");
    out.println("  djl " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion()
        + ", devices " + engine.getGpuCount() + " gpu(s), computed on " + device);
    out.println("  offline " + System.getProperty("ai.djl.offline") + ", cache " + System.getProperty("DJL_CACHE_DIR", "~/.djl.ai (DJL's default)") + ", loaded in "
        + Math.round((System.nanoTime() - t0) / 1e6) + " ms");
    return ExitCodes.SUCCEEDED;
  }

  /**
   * The device a command (selfcheck, step-bench) runs on: a GPU worker's decision, without
   * fallback, with a message about the command rather than a pool.
   */
  static DeviceSelection.Choice commandDevice(DjlSettings djl, DeviceClass deviceClass, String command) {
    ProbedDevices found = deviceClass == DeviceClass.GPU ? DeviceProbe.probe(djl) : null;
    DeviceSelection.Choice choice = DeviceSelection.choose(command, command, deviceClass, 1, DeviceFallback.NONE, found);
    return choice instanceof DeviceSelection.NoDevice
        ? new DeviceSelection.NoDevice(command + " --device gpu: no usable CUDA device: " + found.describe()) : choice;
  }
}
