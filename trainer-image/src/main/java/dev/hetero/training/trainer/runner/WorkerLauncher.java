package dev.hetero.training.trainer.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts one worker as its own OS process with exactly the environment it is given (nothing
 * inherited from the runner, as in a pod): one process per worker because DJL's gradient mode is
 * process-wide, as it would be per pod anyway.
 */
public final class WorkerLauncher {
  /**
   * Command-line JVM flags, which win over JAVA_TOOL_OPTIONS: several workers share this machine,
   * so each gets a fixed small heap (instead of a share of the machine's memory) and the serial
   * collector (no GC threads competing with training for the cores).
   */
  static final List<String> JVM_FLAGS = List.of("-Xmx768m", "-XX:+UseSerialGC");

  private final String javaBinary;
  private final String classpath;
  private final String mainClass;

  public WorkerLauncher(String classpath, String mainClass) {
    this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.classpath = classpath;
    this.mainClass = mainClass;
  }

  /** stderr (and stdout unless piped, as for rank 0's event lines) go to {@code log}. */
  public Process start(Map<String, String> env, Path log, boolean pipeStdout) throws IOException {
    return start(env, log, pipeStdout, null);
  }

  /** The same, in {@code workingDir} (null: this process's), as a pod has a working directory of its own. */
  public Process start(Map<String, String> env, Path log, boolean pipeStdout, Path workingDir) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary));
    command.addAll(JVM_FLAGS);
    command.addAll(List.of("-cp", classpath, mainClass, "worker"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectOutput(pipeStdout ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.appendTo(log.toFile()));
    return builder.start();
  }
}
