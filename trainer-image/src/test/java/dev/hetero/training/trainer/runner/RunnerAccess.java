package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.cli.TrainerMainAccess;
import dev.hetero.training.trainer.config.DjlSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Test access to the runner: this machine's planning, and a runner whose workers use the test classpath. */
public final class RunnerAccess {
  private RunnerAccess() {
  }

  /** Surefire's classpath (the JVM's own is only its booter jar), the system clock. */
  public static RunnerEnvironment environment() {
    return new RunnerEnvironment(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        TrainerMainAccess.MAIN_CLASS, DjlSettings.fromEnv(System.getenv()), Path.of(System.getProperty("user.home")),
        Clock.systemUTC());
  }

  public static LocalRunner runner(PrintStream out) {
    return new LocalRunner(out, environment());
  }

  public static List<PlannedWorker> plan(String name, HeteroTrainingJobSpec spec) {
    return LocalRunner.plan(name, spec, environment());
  }

  public static HeteroTrainingJobSpec spec(JobYaml job) {
    return SpecDefaults.apply(job.job().getSpec());
  }

  /** The plan document a local run of this job writes, version 1. */
  public static PlanDocument planDocument(JobYaml job) {
    HeteroTrainingJobSpec spec = spec(job);
    String name = job.job().getMetadata().getName();
    return new PlanDocument(name, LocalRunner.NAMESPACE, 1, spec, plan(name, spec));
  }
}
