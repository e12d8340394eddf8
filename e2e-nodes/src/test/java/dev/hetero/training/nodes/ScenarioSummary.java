package dev.hetero.training.nodes;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/** Prints the layer's verdict as one line, "N passed, N failed, N skipped", and each scenario as it ends. */
public final class ScenarioSummary implements TestExecutionListener {
  private final AtomicInteger passed = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger skipped = new AtomicInteger();

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (!id.isTest()) {
      return;
    }
    switch (result.getStatus()) {
      case SUCCESSFUL -> passed.incrementAndGet();
      case FAILED -> failed.incrementAndGet();
      case ABORTED -> skipped.incrementAndGet();
    }
    System.out.println("real nodes: " + result.getStatus() + " " + id.getDisplayName());
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      skipped.incrementAndGet();
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    if (passed.get() + failed.get() + skipped.get() > 0) {
      System.out.println("real nodes: " + passed.get() + " passed, " + failed.get() + " failed, " + skipped.get() + " skipped");
    }
  }
}
