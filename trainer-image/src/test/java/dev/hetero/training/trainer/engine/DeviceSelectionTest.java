package dev.hetero.training.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceFallback;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
  /** What the CPU image finds in a pod that the (fake) device plugin gave one GPU. */
  static final ProbedDevices NO_CUDA = new ProbedDevices("PyTorch 2.7.1", false, 0, "GPU-fake-0", null, false);
  static final ProbedDevices ONE_GPU = new ProbedDevices("PyTorch 2.5.1", true, 1, "GPU-1234", null, true);

  @Test
  void aCpuWorkerTrainsOnTheCpuWithoutLookingForGpus() {
    var choice = DeviceSelection.choose("j-cpu-0", "cpu", DeviceClass.CPU, 1, DeviceFallback.NONE, null);
    assertThat(choice).isEqualTo(new DeviceSelection.Train(Device.cpu(), false, null));
  }

  @Test
  void aGpuWorkerTrainsOnTheFirstCudaDeviceItSees() {
    var choice = DeviceSelection.choose("j-gpu-0", "gpu", DeviceClass.GPU, 1, DeviceFallback.NONE, ONE_GPU);
    assertThat(choice).isEqualTo(new DeviceSelection.Train(Device.gpu(0), false, null));
  }

  @Test
  void aGpuWorkerWithSeveralGpusSaysWhichStayIdle() {
    var choice = (DeviceSelection.Train) DeviceSelection.choose("j-gpu-0", "gpu", DeviceClass.GPU, 4, DeviceFallback.CPU,
        new ProbedDevices("PyTorch 2.5.1", true, 4, "0,1,2,3", null, true));
    assertThat(choice.device()).isEqualTo(Device.gpu(0));
    assertThat(choice.fellBack()).isFalse();
    assertThat(choice.note()).contains("j-gpu-0").contains("3 of its 4 GPUs stay idle");
  }

  @Test
  void aGpuWorkerWithoutCudaAndNoFallbackFailsNamingWorkerRequestAndFindings() {
    var choice = DeviceSelection.choose("j-gpu-0", "gpu", DeviceClass.GPU, 1, DeviceFallback.NONE, NO_CUDA);
    assertThat(choice).isInstanceOf(DeviceSelection.NoDevice.class);
    assertThat(((DeviceSelection.NoDevice) choice).message())
        .contains("worker j-gpu-0 (pool gpu)")
        .contains("asked for a CUDA device (deviceClass gpu, deviceFallback none)")
        .contains("0 CUDA device(s) visible to PyTorch 2.7.1 (CPU-only native library)")
        .contains("NVIDIA_VISIBLE_DEVICES='GPU-fake-0'")
        .contains("/dev/nvidia0 absent")
        .contains("spec.pools[gpu].deviceFallback: cpu");
  }

  @Test
  void aGpuWorkerWithoutCudaFallsBackToTheCpuOnlyWhenItsPoolSaysSo() {
    var choice = (DeviceSelection.Train) DeviceSelection.choose("j-gpu-0", "gpu", DeviceClass.GPU, 1, DeviceFallback.CPU,
        NO_CUDA);
    assertThat(choice.device()).isEqualTo(Device.cpu());
    assertThat(choice.fellBack()).isTrue();
    assertThat(choice.note()).contains("j-gpu-0").contains("found none").contains("deviceFallback is cpu");
  }

  @Test
  void aCudaBuildOnAMachineWithoutGpusStillHasNothingToTrainOn() {
    // The CUDA image on a node without a device (or with CUDA_VISIBLE_DEVICES="" from the local runner).
    var found = new ProbedDevices("PyTorch 2.5.1", true, 0, null, "", false);
    var choice = DeviceSelection.choose("j-gpu-1", "gpu", DeviceClass.GPU, 1, DeviceFallback.NONE, found);
    assertThat(((DeviceSelection.NoDevice) choice).message()).contains("(native library built with CUDA)")
        .contains("NVIDIA_VISIBLE_DEVICES=(unset)").contains("CUDA_VISIBLE_DEVICES=''");
  }
}
