package dev.hetero.training.trainer.config;

import dev.hetero.training.api.contract.WorkerEnv;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the DJL runtime needs before the engine loads.
 *
 * @param offline no download and no telemetry call (DJL_OFFLINE, default true)
 * @param cacheDir where the native libraries are extracted (DJL_CACHE_DIR); null: DJL's default, ~/.djl.ai
 * @param intraOpThreads PyTorch intra-op threads (PYTORCH_NUM_THREADS, default 1)
 * @param nvidiaVisibleDevices what NVIDIA's device plugin exposed to the container (NVIDIA_VISIBLE_DEVICES), or null;
 *     only reported, so that a GPU worker without a CUDA device says what it was given
 * @param cudaVisibleDevices the CUDA runtime's device filter (CUDA_VISIBLE_DEVICES; the local runner sets it per GPU
 *     worker), or null; only reported
 */
public record DjlSettings(boolean offline, Path cacheDir, int intraOpThreads, String nvidiaVisibleDevices,
    String cudaVisibleDevices) {
  public static final DjlSettings DEFAULTS = new DjlSettings(true, null, 1, null, null);
  /** Set by NVIDIA's device plugin (and the fake one of the real-node tests): the GPUs given to the container. */
  public static final String NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";
  /** The CUDA runtime's own filter: which devices a process sees, renumbered from 0. */
  public static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";

  /** The DJL settings alone (bench, selfcheck, the runner's own process). */
  public static DjlSettings fromEnv(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    DjlSettings settings = read(reader);
    reader.failIfProblems("the DJL environment");
    return settings;
  }

  static DjlSettings read(EnvReader env) {
    return new DjlSettings(env.oneOf(WorkerEnv.DJL_OFFLINE, true, Map.of("true", true, "false", false)),
        env.path(WorkerEnv.DJL_CACHE_DIR), env.positiveInt(WorkerEnv.PYTORCH_NUM_THREADS, 1),
        env.asSet(NVIDIA_VISIBLE_DEVICES), env.asSet(CUDA_VISIBLE_DEVICES));
  }

  /** The cache directory DJL will use. */
  public Path cacheDirOrDefault(Path userHome) {
    return cacheDir != null ? cacheDir : userHome.resolve(".djl.ai");
  }
}
