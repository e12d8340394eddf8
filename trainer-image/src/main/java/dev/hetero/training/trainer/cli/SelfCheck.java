package dev.hetero.training.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hetero.training.trainer.engine.DjlRuntime;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code selfcheck}: loads the PyTorch engine offline (extracting the native libraries into
 * DJL_CACHE_DIR on the first call, which is why the image build runs it once), computes one small
 * tensor sum to prove the natives work, and prints the versions. Exit 0 when all went well.
 */
final class SelfCheck {
  private SelfCheck() {
  }

  static void run(Map<String, String> env, PrintStream out) {
    DjlRuntime.configure(env);
    long t0 = System.nanoTime();
    Engine engine = Engine.getEngine("PyTorch");
    float sum;
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {1f, 2f, 3f, 4f});
      sum = a.mul(2).sum().getFloat();
    }
    if (sum != 20f) {
      throw new IllegalStateException("selfcheck: PyTorch computed " + sum + " for 2 x (1+2+3+4)");
    }
    out.println("hetero-trainer selfcheck: ok");
    out.println("  djl " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion()
        + ", devices " + engine.getGpuCount() + " gpu(s)");
    out.println("  offline " + System.getProperty("ai.djl.offline") + ", cache " + cacheDir(env) + ", loaded in "
        + Math.round((System.nanoTime() - t0) / 1e6) + " ms");
  }

  private static String cacheDir(Map<String, String> env) {
    String dir = System.getProperty("DJL_CACHE_DIR", env.get("DJL_CACHE_DIR"));
    return dir == null ? System.getProperty("user.home") + "/.djl.ai" : dir;
  }
}
