package dev.hetero.training.trainer.ascent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PerturbationMailboxTest {

  private static Perturbation from(long source) {
    return new Perturbation(source, new float[] {source}, 4, 0.01, 0.5);
  }

  @Test
  void theNewestOfferAndTheNewestPerturbationWin() {
    PerturbationMailbox box = new PerturbationMailbox();
    box.offer(new Snapshot(3, new float[] {3}, 0));
    box.offer(new Snapshot(2, new float[] {2}, 0));
    assertThat(box.takeSnapshot(-1, Duration.ZERO).step()).isEqualTo(3);
    assertThat(box.takeSnapshot(3, Duration.ZERO)).isNull();
    box.post(from(5));
    box.post(from(4));
    assertThat(box.newest(0, Duration.ZERO).source()).isEqualTo(5);
    assertThat(box.newest(6, Duration.ZERO)).isNull();
  }

  @Test
  void aWaitingWorkerWakesWhenTheHelperPostsAFreshEnoughPerturbation() {
    PerturbationMailbox box = new PerturbationMailbox();
    box.post(from(1));
    CompletableFuture<PerturbationLink.Received> waiting = CompletableFuture.supplyAsync(() -> box.await(2, Duration.ofSeconds(20)));
    box.post(from(2));
    await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
    assertThat(waiting.join().perturbation().source()).isEqualTo(2);
  }

  @Test
  void theHelperGetsOnlyNewerSnapshotsAndStopLetsEveryoneGo() {
    PerturbationMailbox box = new PerturbationMailbox();
    box.offer(new Snapshot(0, new float[] {0}, 0));
    assertThat(box.next(-1, null).step()).isZero();
    CompletableFuture<Snapshot> helper = CompletableFuture.supplyAsync(() -> box.next(0, from(0)));
    CompletableFuture<PerturbationLink.Received> worker = CompletableFuture.supplyAsync(() -> box.await(7, Duration.ofSeconds(30)));
    await().atMost(Duration.ofSeconds(10)).until(() -> box.newest(0, Duration.ZERO) != null);
    box.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> helper.isDone() && worker.isDone());
    assertThat(helper.join()).isNull();
    assertThat(worker.join()).isNull();
  }
}
