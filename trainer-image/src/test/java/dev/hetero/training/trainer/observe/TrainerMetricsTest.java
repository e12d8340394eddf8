package dev.hetero.training.trainer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TrainerMetricsTest {
  @Test
  void servesTheSeriesTheDashboardExpects() throws Exception {
    try (TrainerMetrics metrics = new TrainerMetrics("job-x", "job-x-cpu-1")) {
      int port = metrics.serve(0);
      metrics.round(4, 128, 0.5, 0.6, 0.75);
      metrics.accuracy(0.875);
      metrics.sent(1000);
      metrics.received(2500);
      metrics.aggregationWait(0.02);
      String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(text)
          .contains("hetero_trainer_steps_total{job=\"job-x\",worker=\"job-x-cpu-1\"} 4.0")
          .contains("hetero_trainer_samples_per_second{job=\"job-x\",worker=\"job-x-cpu-1\"} 256.0")
          .contains("hetero_trainer_loss{job=\"job-x\",worker=\"job-x-cpu-1\"} 0.75")
          .contains("hetero_trainer_accuracy{job=\"job-x\"} 0.875")
          .contains("hetero_trainer_round_seconds_count{job=\"job-x\",worker=\"job-x-cpu-1\"} 1")
          .contains("hetero_trainer_bytes_sent_total{job=\"job-x\",worker=\"job-x-cpu-1\"} 1000.0")
          .contains("hetero_trainer_bytes_received_total{job=\"job-x\",worker=\"job-x-cpu-1\"} 2500.0")
          .contains("hetero_trainer_aggregation_wait_seconds_count{job=\"job-x\",worker=\"job-x-cpu-1\"} 1");
    }
  }
}
