package dev.hetero.training.trainer.runner;

import ai.djl.engine.Engine;
import dev.hetero.training.trainer.engine.DjlRuntime;

/** GPUs the engine sees; loaded only when a pool asks for GPUs, since starting the engine costs a second. */
final class GpuProbe {
  private GpuProbe() {
  }

  static int count() {
    try {
      DjlRuntime.configure(System.getenv());
      return Engine.getInstance().getGpuCount();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return 0;
    }
  }
}
