package dev.hetero.training.trainer.engine;

import dev.hetero.training.trainer.config.DjlSettings;

/**
 * DJL settings that must be in place before the engine loads, as system properties (DJL reads
 * them from there): offline (no download, no telemetry call), the intra-op threads (two OpenMP
 * threads with the default wait policy collapse throughput on small VMs), one inter-op thread,
 * and the native-library cache. A property already set on the command line wins.
 */
public final class DjlRuntime {
  private DjlRuntime() {
  }

  public static void configure(DjlSettings settings) {
    setIfAbsent("ai.djl.offline", String.valueOf(settings.offline()));
    setIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(settings.intraOpThreads()));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    // Keep DJL from phoning home even if offline is turned off for a GPU image build.
    setIfAbsent("OPT_OUT_TRACKING", "true");
    if (settings.cacheDir() != null) {
      setIfAbsent("DJL_CACHE_DIR", settings.cacheDir().toString());
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
