package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceFallback;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.cli.TrainerMainAccess;
import dev.hetero.training.trainer.data.IdxFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed job whose GPU worker runs where there is no CUDA (this machine: CPU natives, no GPU),
 * through the local runner, which starts each worker as the pod's command: without a fallback the
 * GPU worker exits 69 at once and says why (and so does {@code run}); with
 * {@code deviceFallback: cpu} it trains on the CPU and says that it fell back.
 */
class GpuWorkerWithoutCudaTest {
  @TempDir
  static Path data;

  @TempDir
  Path tmp;

  @BeforeAll
  static void smallData() throws Exception {
    IdxFiles.writeFashionMnistHead(data, 1024, 200);
  }

  /** One GPU and one CPU worker; the GPU pool's capacity is pinned so that a CPU fallback is not 32 times the work. */
  private Path job(String name, String fallback) throws Exception {
    return JobYaml.named(name).model("mlp").algorithm("localSGD").epochs(1).perWorkerBatch(32)
        .pool("{name: gpu, deviceClass: gpu, replicas: 1, capacityPerWorker: 1" + (fallback == null ? "" : ", deviceFallback: "
            + fallback) + "}")
        .cpuPool("cpu", 1).dataPath(data.toString()).writeTo(tmp);
  }

  @Test
  void withoutFallbackTheGpuWorkerExitsNoDeviceNamingItselfAndWhatItFound() throws Exception {
    Path out = tmp.resolve("none");
    TrainerMainAccess.Result r = TrainerMainAccess.execute("run", job("nocuda", null).toString(), "--out", out.toString(),
        "--quiet");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.NO_DEVICE);
    assertThat(r.err()).contains("worker nocuda-gpu-0").contains("exited with code 69 (no usable CUDA device)")
        .contains("asked for a CUDA device (deviceClass gpu, deviceFallback none)")
        .contains("0 CUDA device(s) visible to PyTorch").contains("deviceFallback: cpu");
    String log = Files.readString(out.resolve("logs/nocuda-gpu-0.log"));
    assertThat(log).as("it stops before loading any data").doesNotContain("metrics: serving")
        .contains("error: worker nocuda-gpu-0 (pool gpu) asked for a CUDA device");
    assertThat(out.resolve("curve.csv")).doesNotExist();
  }

  @Test
  void withFallbackCpuTheGpuWorkerTrainsOnTheCpuAndSaysSo() throws Exception {
    Path out = tmp.resolve("cpu");
    TrainerMainAccess.Result r = TrainerMainAccess.execute("run", job("fallback", "cpu").toString(), "--out", out.toString(),
        "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    PlannedWorker gpu = PlanCodec.fromJson(Files.readString(out.resolve("plan.json"))).worker("fallback-gpu-0").orElseThrow();
    assertThat(gpu.deviceClass()).isEqualTo(DeviceClass.GPU);
    assertThat(gpu.deviceFallback()).as("the plan carries the pool's fallback to the worker").isEqualTo(DeviceFallback.CPU);
    String log = Files.readString(out.resolve("logs/fallback-gpu-0.log"));
    assertThat(log).contains("device fallback: worker fallback-gpu-0 (pool gpu) asked for a CUDA device and found none")
        .contains("trains on cpu() (fell back from gpu)");
    assertThat(Files.readString(out.resolve("logs/fallback-cpu-0.log"))).contains("trains on cpu()")
        .doesNotContain("fell back");
    assertThat(out.resolve("curve.csv")).exists();
  }
}
