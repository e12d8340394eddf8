package dev.hetero.training.operator.kueue;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Pods of deleted jobs: the garbage collector deletes them, but Kueue keeps its finalizer on a
 * stopped pod of a group that is neither finished nor replaced, so they (and the quota of their
 * Workload) would stay. No reconcile runs for a deleted job (it has no finalizer), so a sweep of
 * the pod cache every {@link #EVERY} removes that finalizer from stopped pods whose job is gone;
 * once the group has no pods, Kueue drops the Workload. Runs only when Kueue's API is served.
 */
@ApplicationScoped
public class OrphanedGroups {
  private static final Logger LOG = Logger.getLogger(OrphanedGroups.class);
  static final Duration EVERY = Duration.ofSeconds(30);

  @Inject
  public KueuePods kueuePods;
  @Inject
  public Clock clock;

  private ScheduledExecutorService sweeper;

  public synchronized void start(InformerEventSource<Pod, HeteroTrainingJob> pods, IndexerResourceCache<HeteroTrainingJob> jobs,
      KubernetesClient client) {
    if (sweeper != null) {
      return;
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kueue-orphaned-groups");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep(pods, jobs, client);
      } catch (RuntimeException e) {
        LOG.warnf("sweeping stopped pods of deleted jobs failed: %s", e.getMessage());
      }
    }, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  void sweep(InformerEventSource<Pod, HeteroTrainingJob> pods, IndexerResourceCache<HeteroTrainingJob> jobs,
      KubernetesClient client) {
    var now = clock.instant();
    pods.list().filter(p -> p.getMetadata().getLabels() != null && p.getMetadata().getLabels().containsKey(KueuePodGroup.GROUP_NAME))
        .filter(KueuePodGroup::hasFinalizer)
        .filter(p -> KueuePodGroup.stoppedAfterDeletion(p, now))
        .filter(p -> ownerGone(p, jobs))
        .forEach(p -> kueuePods.releaseFinalizer(client, p));
  }

  private static boolean ownerGone(Pod pod, IndexerResourceCache<HeteroTrainingJob> jobs) {
    var owners = pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return false;
    }
    return owners.stream().filter(o -> HeteroTrainingJob.KIND.equals(o.getKind())).findFirst()
        .map(o -> jobs.list(pod.getMetadata().getNamespace()).noneMatch(j -> Objects.equals(j.getMetadata().getUid(), o.getUid())))
        .orElse(false);
  }

  @PreDestroy
  synchronized void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }
}
