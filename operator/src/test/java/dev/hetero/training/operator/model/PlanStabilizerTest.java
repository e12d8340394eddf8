package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.operator.Fixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PlanStabilizerTest {
  static PlannedWorker w(String name, int rank, String node, int batch, double weight) {
    return Fixtures.worker(name, rank, node, "cpu", DeviceClass.CPU).withPlacement(node, 2.0).withWork(batch, 1, weight);
  }

  @Test
  void survivorsKeepNameRankAndNodeAndOnlyLostWorkersMove() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.25), w("j-cpu-1", 1, "b", 32, 0.25),
        w("j-cpu-2", 2, "b", 32, 0.25), w("j-cpu-3", 3, "c", 32, 0.25));
    // The planner numbers the fresh plan its own way: node b is gone, d is new.
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "a", 40, 0.3), w("j-cpu-1", 1, "c", 30, 0.2),
        w("j-cpu-2", 2, "d", 30, 0.25), w("j-cpu-3", 3, "d", 30, 0.25));

    List<PlannedWorker> stable = PlanStabilizer.stabilize(before, Set.of("b"), fresh).orElseThrow();

    assertThat(stable).extracting(x -> x.worker() + "@" + x.node() + "#" + x.rank())
        .containsExactly("j-cpu-0@a#0", "j-cpu-1@d#1", "j-cpu-2@d#2", "j-cpu-3@c#3");
    assertThat(stable.get(0).batchSize()).as("batch re-derived").isEqualTo(40);
    assertThat(stable.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void givesUpWhenASurvivorIsNotInTheFreshPlan() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.5), w("j-cpu-1", 1, "b", 32, 0.5));
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "c", 32, 0.5), w("j-cpu-1", 1, "d", 32, 0.5));
    assertThat(PlanStabilizer.stabilize(before, Set.of("b"), fresh)).isEmpty();
  }

  @Test
  void stabilizeKeepsTheUpdateRuleOfTheFreshPlan() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.5), w("j-cpu-1", 1, "b", 32, 0.5));
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "a", 32, 0.5).withOptimizer(OptimizerMethod.SAM, null),
        w("j-cpu-1", 1, "c", 32, 0.5).withOptimizer(OptimizerMethod.SAM, null));
    assertThat(PlanStabilizer.stabilize(before, Set.of("b"), fresh).orElseThrow())
        .extracting(PlannedWorker::optimizer).containsOnly(OptimizerMethod.SAM);
  }

  static String where(PlannedWorker x) {
    return x.worker() + "@" + x.node() + "#" + x.rank();
  }

  @Test
  void resizeGrowsAroundTheRunningWorkersAndNamesTheNewOnesAtTheNextFreeIndex() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 512, 1.0));
    // The planner's own numbering: the new, faster node b first.
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "b", 200, 0.4), w("j-cpu-1", 1, "a", 156, 0.3),
        w("j-cpu-2", 2, "c", 156, 0.3));

    List<PlannedWorker> grown = PlanStabilizer.resize("j", before, Set.of(), fresh).orElseThrow();

    assertThat(grown).extracting(PlanStabilizerTest::where).containsExactly("j-cpu-0@a#0", "j-cpu-1@b#1", "j-cpu-2@c#2");
    assertThat(grown.get(0).batchSize()).as("the slot's work on its node").isEqualTo(156);
    assertThat(grown.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, Offset.offset(1e-5));
  }

  @Test
  void resizeShrinksOnALossRenumberingTheSurvivorsInTheirOrder() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.25), w("j-cpu-1", 1, "b", 32, 0.25),
        w("j-cpu-2", 2, "c", 32, 0.25), w("j-cpu-3", 3, "c", 32, 0.25));
    // b is lost and nothing else has room: the pool shrinks to 3, the survivors stay.
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "c", 40, 0.4), w("j-cpu-1", 1, "c", 40, 0.4),
        w("j-cpu-2", 2, "a", 20, 0.2));

    List<PlannedWorker> shrunk = PlanStabilizer.resize("j", before, Set.of("b"), fresh).orElseThrow();

    assertThat(shrunk).extracting(PlanStabilizerTest::where).containsExactly("j-cpu-0@a#0", "j-cpu-2@c#1", "j-cpu-3@c#2");
    assertThat(shrunk.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, Offset.offset(1e-5));
  }

  @Test
  void resizeMovesALostWorkerWhenItsPoolHasRoomElsewhereAndASurvivorThePlannerPlacedElsewhere() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.34), w("j-cpu-1", 1, "b", 32, 0.33),
        w("j-cpu-2", 2, "c", 32, 0.33));
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "a", 32, 0.5), w("j-cpu-1", 1, "d", 32, 0.5));

    // b lost; c stands but the planner has no slot there: both compete for d in rank order, c's worker is dropped.
    assertThat(PlanStabilizer.resize("j", before, Set.of("b"), fresh).orElseThrow()).extracting(PlanStabilizerTest::where)
        .containsExactly("j-cpu-0@a#0", "j-cpu-1@d#1");
    assertThat(PlanStabilizer.resize("j", before, Set.of(), fresh).orElseThrow()).extracting(PlanStabilizerTest::where)
        .containsExactly("j-cpu-0@a#0", "j-cpu-1@d#1");
  }

  @Test
  void resizeGivesUpWhenRankZeroCannotStayWhereItIs() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.5), w("j-cpu-1", 1, "b", 32, 0.5));
    assertThat(PlanStabilizer.resize("j", before, Set.of("a"), List.of(w("j-cpu-0", 0, "b", 64, 1.0)))).isEmpty();
    assertThat(PlanStabilizer.resize("j", before, Set.of(), List.of(w("j-cpu-0", 0, "b", 32, 0.5),
        w("j-cpu-1", 1, "c", 32, 0.5)))).as("no slot on its node").isEmpty();
  }

  static PlannedWorker sam(String name, int rank, String node, String pool, WorkerRole role, String helper, String partner) {
    boolean isHelper = role == WorkerRole.HELPER;
    return new PlannedWorker(name, rank, node, pool, DeviceClass.GPU, 10.0, 32, isHelper ? 0 : 1, isHelper ? 0.0 : 0.5, role,
        SampleSelection.UNIFORM, null, isHelper ? null : OptimizerMethod.ASYNC_SAM, helper, partner, null, null);
  }

  @Test
  void resizeRanksHelpersLastAndMapsAsyncSamPartnersToTheWorkersNames() {
    List<PlannedWorker> before = List.of(sam("j-gpu-0", 0, "g", "gpu", WorkerRole.FAST, "j-helper-0", null),
        sam("j-helper-0", 1, "h", "helper", WorkerRole.HELPER, null, "j-gpu-0"));
    List<PlannedWorker> fresh = List.of(sam("j-gpu-0", 0, "g2", "gpu", WorkerRole.FAST, "j-helper-0", null),
        sam("j-gpu-1", 1, "g", "gpu", WorkerRole.FAST, "j-helper-1", null),
        sam("j-helper-0", 2, "h2", "helper", WorkerRole.HELPER, null, "j-gpu-0"),
        sam("j-helper-1", 3, "h", "helper", WorkerRole.HELPER, null, "j-gpu-1"));

    List<PlannedWorker> grown = PlanStabilizer.resize("j", before, Set.of(), fresh).orElseThrow();

    assertThat(grown).extracting(PlanStabilizerTest::where)
        .containsExactly("j-gpu-0@g#0", "j-gpu-1@g2#1", "j-helper-0@h#2", "j-helper-1@h2#3");
    assertThat(grown).extracting(x -> x.worker() + "<->" + (x.helper() ? x.ascentFor() : x.ascentHelper()))
        .containsExactly("j-gpu-0<->j-helper-0", "j-gpu-1<->j-helper-1", "j-helper-0<->j-gpu-0", "j-helper-1<->j-gpu-1");
    assertThat(grown.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, Offset.offset(1e-5));
  }

  /**
   * Random plans, losses and fresh answers (seeded, so a failure repeats): whenever resize answers,
   * rank 0 stays, ranks are 0..n-1, names are unique, each pool has the fresh plan's count, the
   * weights sum to 1, previous workers keep their order, and a survivor keeps its node whenever the
   * fresh plan has room for all of that node's survivors of its pool.
   */
  @Test
  void resizeInvariantsHoldOnRandomPlans() {
    int answered = 0;
    for (int seed = 1; seed <= 500; seed++) {
      Random random = new Random(seed);
      List<String> nodes = IntStream.range(0, 6).mapToObj(i -> "n" + i).toList();
      List<PlannedWorker> before = randomPlan(random, nodes, "prev");
      Set<String> lost = new HashSet<>();
      nodes.stream().filter(n -> random.nextInt(5) == 0).forEach(lost::add);
      List<String> standing = nodes.stream().filter(n -> !lost.contains(n)).toList();
      if (standing.isEmpty()) {
        continue;
      }
      List<PlannedWorker> fresh = randomPlan(random, standing, "fresh");
      var resized = PlanStabilizer.resize("j", before, lost, fresh);
      PlannedWorker rank0 = before.get(0);
      if (resized.isEmpty()) {
        assertThat(lost.contains(rank0.node()) || fresh.stream()
            .noneMatch(f -> f.pool().equals(rank0.pool()) && f.node().equals(rank0.node()))).as("seed %d", seed).isTrue();
        continue;
      }
      answered++;
      List<PlannedWorker> after = resized.get();
      assertThat(after.get(0).worker()).as("seed %d", seed).isEqualTo(rank0.worker());
      assertThat(after.get(0).node()).isEqualTo(rank0.node());
      assertThat(after).extracting(PlannedWorker::rank).as("seed %d", seed)
          .containsExactlyElementsOf(IntStream.range(0, after.size()).boxed().toList());
      assertThat(after).extracting(PlannedWorker::worker).doesNotHaveDuplicates();
      assertThat(counts(after)).as("seed %d", seed).isEqualTo(counts(fresh));
      assertThat(after.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, Offset.offset(1e-5));
      Map<String, PlannedWorker> byName = after.stream().collect(Collectors.toMap(PlannedWorker::worker, Function.identity()));
      List<Integer> previousOrder = before.stream().filter(x -> byName.containsKey(x.worker()))
          .map(x -> byName.get(x.worker()).rank()).toList();
      assertThat(previousOrder).as("seed %d", seed).isSorted();
      for (PlannedWorker old : before) {
        String key = old.pool() + "/" + old.node();
        long survivorsThere = before.stream().filter(x -> !lost.contains(x.node()) && (x.pool() + "/" + x.node()).equals(key)).count();
        long slotsThere = fresh.stream().filter(x -> (x.pool() + "/" + x.node()).equals(key)).count();
        if (!lost.contains(old.node()) && slotsThere >= survivorsThere) {
          assertThat(byName.get(old.worker())).as("seed %d: %s keeps its node", seed, old.worker()).isNotNull()
              .extracting(PlannedWorker::node).isEqualTo(old.node());
        }
      }
    }
    assertThat(answered).as("enough random cases where rank 0 stays").isGreaterThan(50);
  }

  private static Map<String, Long> counts(List<PlannedWorker> plan) {
    return plan.stream().collect(Collectors.groupingBy(PlannedWorker::pool, Collectors.counting()));
  }

  /** One to five workers in each of two pools on random nodes, rank 0 a cpu worker, weights summing to 1. */
  private static List<PlannedWorker> randomPlan(Random random, List<String> nodes, String naming) {
    List<PlannedWorker> plan = new ArrayList<>();
    for (String pool : List.of("cpu", "gpu")) {
      int n = 1 + random.nextInt(5);
      for (int i = 0; i < n; i++) {
        String name = "prev".equals(naming) ? "j-" + pool + "-" + (i * 2) : "planner-" + pool + "-" + i;
        plan.add(Fixtures.worker(name, plan.size(), nodes.get(random.nextInt(nodes.size())), pool,
            pool.equals("cpu") ? DeviceClass.CPU : DeviceClass.GPU).withWork(16 + random.nextInt(64), 1, 0));
      }
    }
    double share = 1.0 / plan.size();
    return plan.stream().map(x -> x.withWork(x.batchSize(), 1, share)).toList();
  }
}
