package dev.hetero.training.trainer.engine;

import java.util.Map;

/**
 * DJL settings that must be in place before the engine loads: offline (no download, no telemetry
 * call), one intra-op thread unless told otherwise (two OpenMP threads with the default wait
 * policy collapse throughput on small VMs), one inter-op thread. DJL_CACHE_DIR is read by DJL
 * from the environment or the system property of the same name.
 */
public final class DjlRuntime {
  private DjlRuntime() {
  }

  public static void configure(Map<String, String> env) {
    setIfAbsent("ai.djl.offline", String.valueOf(!"false".equalsIgnoreCase(env.getOrDefault("DJL_OFFLINE", "true"))));
    setIfAbsent("ai.djl.pytorch.num_threads", env.getOrDefault("PYTORCH_NUM_THREADS", "1"));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    // Keep DJL from phoning home even if offline is turned off for a GPU image build.
    setIfAbsent("OPT_OUT_TRACKING", "true");
    String cache = env.get("DJL_CACHE_DIR");
    if (cache != null && !cache.isBlank()) {
      setIfAbsent("DJL_CACHE_DIR", cache);
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
