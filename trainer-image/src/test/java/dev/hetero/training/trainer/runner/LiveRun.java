package dev.hetero.training.trainer.runner;

import static org.awaitility.Awaitility.await;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.trainer.data.IdxFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A local run in the background whose mounted plan a test replaces mid-run, as the operator would. */
final class LiveRun {
  final Path out;
  final CompletableFuture<RunSummary> summary;

  private LiveRun(Path out, CompletableFuture<RunSummary> summary) {
    this.out = out;
    this.summary = summary;
  }

  /** Starts the job of {@code yaml} with real worker processes, writing into {@code out}. */
  static LiveRun start(Path yaml, Path out) {
    return new LiveRun(out, CompletableFuture.supplyAsync(() -> {
      try {
        return RunnerAccess.runner(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run(new RunOptions(yaml, null, null, out, null, false, 1, true));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }));
  }

  Path log(String worker) {
    return out.resolve("logs").resolve(worker + ".log");
  }

  Path events(String worker) {
    return out.resolve("logs").resolve(worker + ".log.events");
  }

  /** Waits until rank 0 ({@code coordinator}) reported its first round. */
  void awaitFirstRound(String coordinator) {
    await("the first round event").atMost(Duration.ofSeconds(120)).failFast("the run ended before training started", summary::isDone)
        .until(() -> read(events(coordinator)).contains("@htj round"));
  }

  PlanDocument plan() throws IOException {
    return PlanCodec.fromJson(Files.readString(out.resolve("plan.json")));
  }

  /** Replaces the plan file in one rename, as the kubelet updates a ConfigMap volume. */
  void publish(PlanDocument next) throws IOException {
    Path tmpPlan = out.resolve("plan.json.new");
    Files.writeString(tmpPlan, PlanCodec.toJson(next));
    Files.move(tmpPlan, out.resolve("plan.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The first 4096 training and 500 test images of Fashion-MNIST, as IDX files in {@code dir}. */
  static Path fashionSubset(Path dir) throws IOException {
    IdxFiles.writeFashionMnistHead(dir, 4096, 500);
    return dir;
  }

  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
