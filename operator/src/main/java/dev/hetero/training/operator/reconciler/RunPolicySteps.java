package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.model.Times;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/** The run-policy steps before planning: the active deadline and suspension. */
@ApplicationScoped
public class RunPolicySteps {
  @Inject
  WorkerPodSync pods;

  /**
   * runPolicy.activeDeadlineSeconds, counted from status.startTime (the first pods): past it the
   * job fails with DeadlineExceeded; before it, the job is looked at again when it passes.
   */
  public boolean deadlinePassed(JobObservation obs, HeteroTrainingJobSpec spec, StatusAggregator status) {
    Long seconds = spec.runPolicy().activeDeadlineSeconds();
    if (seconds == null) {
      return false;
    }
    String start = obs.status() == null ? null : obs.status().startTime();
    Instant due = Times.parse(start, obs.now()).plusSeconds(seconds);
    if (due.isAfter(obs.now())) {
      status.wakeAt(due);
      return false;
    }
    status.failed(Reason.DeadlineExceeded, "the job ran longer than runPolicy.activeDeadlineSeconds (" + seconds + "s since "
        + start + ")", spec);
    return true;
  }

  /**
   * runPolicy.suspend: true deletes the worker pods and keeps every other child; false after a
   * suspension resumes (the plan step then plans afresh and the pods step recreates the pods).
   */
  public boolean suspended(JobObservation obs, HeteroTrainingJobSpec spec, StatusAggregator status,
      Context<HeteroTrainingJob> context) {
    if (!Boolean.TRUE.equals(spec.runPolicy().suspend())) {
      if (obs.previousPhase() == JobPhase.Suspended) {
        status.event(Reason.Resumed, "", "runPolicy.suspend is false again: planning and recreating the worker pods");
      }
      return false;
    }
    status.suspended(obs.podsByWorker().size());
    pods.deleteAll(obs, context);
    return true;
  }
}
