package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.trainer.cli.TrainerMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts one worker as its own OS process with the environment a pod would get: one process per
 * worker because DJL's gradient mode is process-wide, as it would be per pod anyway.
 */
final class WorkerLauncher {
  private final String javaBinary;
  private final String classpath;

  WorkerLauncher(String classpath) {
    this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.classpath = classpath;
  }

  Process start(PlannedWorker worker, PoolSpec pool, Map<String, String> env, Path log, boolean pipeStdout) throws IOException {
    int threads = pool.cpusPerWorker() == null ? 1 : pool.cpusPerWorker();
    List<String> command = new ArrayList<>(List.of(javaBinary,
        "-Xmx768m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
        "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=" + threads,
        "-Dai.djl.pytorch.num_interop_threads=1",
        "-cp", classpath, TrainerMain.class.getName(), "worker"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.environment().put(WorkerEnv.PYTORCH_NUM_THREADS, String.valueOf(threads));
    builder.environment().put(WorkerEnv.OMP_NUM_THREADS, String.valueOf(threads));
    builder.environment().put(WorkerEnv.OMP_WAIT_POLICY, "PASSIVE");
    builder.environment().put(WorkerEnv.DJL_OFFLINE, "true");
    builder.environment().remove(WorkerEnv.JAVA_TOOL_OPTIONS);
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (pipeStdout) {
      builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
    } else {
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
    return builder.start();
  }
}
