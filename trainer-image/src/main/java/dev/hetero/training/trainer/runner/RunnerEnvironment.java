package dev.hetero.training.trainer.runner;

import dev.hetero.training.trainer.config.DjlSettings;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the one-machine runner takes from the machine it runs on, given once by the caller.
 *
 * @param classpath the worker processes' classpath
 * @param workerMainClass the class whose {@code main(["worker"])} runs one worker, as a pod's entrypoint does
 * @param djl this process's DJL settings (GPU probe; the workers' native-library cache)
 * @param userHome where DJL's default cache and the http download cache live
 * @param clock stamps the final status
 */
public record RunnerEnvironment(String classpath, String workerMainClass, DjlSettings djl, Path userHome, Clock clock) {

  /** This JVM's classpath and home, the system clock. */
  public static RunnerEnvironment ofThisJvm(String workerMainClass, DjlSettings djl) {
    return new RunnerEnvironment(System.getProperty("java.class.path"), workerMainClass, djl,
        Path.of(System.getProperty("user.home")), Clock.systemUTC());
  }
}
