package dev.hetero.training.api.bench;

import static dev.hetero.training.api.Fixtures.autoPool;
import static dev.hetero.training.api.Fixtures.global;
import static dev.hetero.training.api.Fixtures.spec;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.planner.SyntheticCluster;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Plan time for a large inventory: 10,000 nodes, 2,000 workers (1,000 GPU + 1,000 CPU).
 * Run with: ./mvnw -B -ntp -pl api -Pbench verify   (not part of the normal build)
 * Sample-time mode, so JMH prints the median (p0.50) alongside the mean.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class PlannerBenchmark {

  @Param({"10000"})
  int nodes;

  @Param({"2000"})
  int workers;

  private List<NodeInfo> inventory;
  private HeteroTrainingJobSpec spec;
  private CapacityPlanner planner;

  @Setup
  public void setUp() {
    inventory = SyntheticCluster.nodes(nodes, 11);
    spec = spec(global(workers * 64), List.of(autoPool("gpu", DeviceClass.GPU, 1, workers / 2),
        autoPool("cpu", DeviceClass.CPU, 1, workers - workers / 2)));
    planner = new CapacityPlanner(PlannerConfig.defaults());
    PlanResult check = planner.plan("bench", spec, inventory);
    if (!(check instanceof PlanResult.Placed placed) || placed.workers().size() != workers) {
      throw new IllegalStateException("benchmark inventory does not fit " + workers + " workers: " + check);
    }
  }

  @Benchmark
  public PlanResult plan() {
    return planner.plan("bench", spec, inventory);
  }
}
