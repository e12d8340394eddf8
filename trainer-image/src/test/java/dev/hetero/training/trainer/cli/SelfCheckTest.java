package dev.hetero.training.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfCheckTest {
  @Test
  void loadsTheEngineOfflineAndPrintsVersions() {
    TrainerMainAccess.Result r = TrainerMainAccess.execute("selfcheck");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("hetero-trainer selfcheck: ok").contains("djl 0.36.0").contains("engine PyTorch 2.7.1")
        .contains("offline true").contains("computed on cpu()");
    assertThat(TrainerMainAccess.execute("--help").out()).contains("selfcheck").contains("--device cpu|gpu");
  }

  /** This machine has no GPU and the CPU natives: asking for the GPU is the GPU worker's refusal, exit 69. */
  @Test
  void onTheGpuWithoutCudaItExitsNoDeviceSayingWhatItFound() {
    TrainerMainAccess.Result r = TrainerMainAccess.execute("selfcheck", "--device", "gpu");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(69);
    assertThat(r.err()).contains("selfcheck --device gpu: no usable CUDA device: 0 CUDA device(s) visible to PyTorch 2.7.1")
        .contains("(CPU-only native library)");
    assertThat(r.out()).doesNotContain("selfcheck: ok");
    assertThat(TrainerMainAccess.execute("selfcheck", "--device", "tpu").code()).isEqualTo(2);
  }

  @Test
  void stepBenchTimesEachModelAndBatchOnTheCpuAndRefusesTheGpuWithoutCuda() {
    TrainerMainAccess.Result r = TrainerMainAccess.execute("step-bench", "--models", "mlp,lenet", "--batches", "8,16",
        "--warmup", "1", "--steps", "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.matches("\\| (mlp|lenet) \\| (8|16) \\| cpu\\(\\) \\| [0-9.]+ \\| [0-9]+ \\|")))
        .hasSize(4);
    TrainerMainAccess.Result gpu = TrainerMainAccess.execute("step-bench", "--device", "gpu", "--models", "mlp");
    assertThat(gpu.code()).isEqualTo(69);
    assertThat(gpu.err()).contains("step-bench --device gpu: no usable CUDA device");
    assertThat(TrainerMainAccess.execute("step-bench", "--models", "vgg").err()).contains("unknown model 'vgg'");
  }
}
