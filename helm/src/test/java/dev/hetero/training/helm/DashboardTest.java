package dev.hetero.training.helm;

import static dev.hetero.training.helm.Chart.sets;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard: valid JSON, queries only over the metrics the operator and trainer expose, one copy. */
class DashboardTest {
  /** The metric names of the operator and the trainer (see k8s/dashboards/README.md). */
  static final Set<String> METRICS = Set.of(
      "hetero_jobs", "hetero_time_to_running_seconds", "hetero_worker_restarts_total", "hetero_replans_total",
      "hetero_planned_capacity", "hetero_trainer_samples_per_second", "hetero_trainer_accuracy",
      "hetero_trainer_loss", "hetero_trainer_steps_total");
  private static final Set<String> HISTOGRAM_SUFFIXES = Set.of("_bucket", "_sum", "_count");
  private static final Pattern METRIC = Pattern.compile("\\b(hetero_[a-z_]+)\\b");
  private static final String FILE = "hetero-training.json";

  static Path chartCopy() {
    return Chart.chartDir().resolve("dashboards").resolve(FILE);
  }

  static Path k8sCopy() {
    return Chart.projectRoot().resolve("k8s/dashboards").resolve(FILE);
  }

  @Test
  void chartCopyEqualsTheK8sCopy() throws IOException {
    assertThat(Files.readString(chartCopy()))
        .as("helm/hetero-training-operator/dashboards/%s and k8s/dashboards/%s must be equal; sync with:%n"
            + "  cp k8s/dashboards/%s helm/hetero-training-operator/dashboards/", FILE, FILE, FILE)
        .isEqualTo(Files.readString(k8sCopy()));
  }

  @Test
  void everyPanelQueriesKnownMetricsOnly() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(k8sCopy().toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("hetero-training");
    assertThat(dashboard.path("title").asText()).isNotBlank();

    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      if (!"row".equals(p.path("type").asText())) {
        panels.add(p);
      }
      p.path("panels").forEach(panels::add); // collapsed rows keep their panels inside
    });
    assertThat(panels).hasSizeGreaterThanOrEqualTo(5);

    Set<String> used = new TreeSet<>();
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(ids.add(panel.path("id").asInt())).as("panel id of %s is unique", title).isTrue();
      assertThat(panel.path("targets").size()).as("queries of panel %s", title).isPositive();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Set<String> metrics = metricsIn(expr);
        assertThat(metrics).as("panel '%s' query %s references one of %s", title, expr, METRICS).isNotEmpty();
        assertThat(METRICS).as("panel '%s' query %s uses only known metrics", title, expr).containsAll(metrics);
        used.addAll(metrics);
      }
    }
    // The panels the issue asks for: jobs by phase, time to Running, restarts by reason, samples/s, accuracy.
    assertThat(used).contains("hetero_jobs", "hetero_time_to_running_seconds", "hetero_worker_restarts_total",
        "hetero_trainer_samples_per_second", "hetero_trainer_accuracy");
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        assertThat(METRICS).containsAll(metricsIn(variable.path("definition").asText()));
      }
    }
  }

  @Test
  void readmeDocumentsEveryMetric() throws IOException {
    String readme = Files.readString(Chart.projectRoot().resolve("k8s/dashboards/README.md"));

    assertThat(readme).contains(METRICS);
  }

  @Test
  void chartShipsTheDashboardAsAConfigMapForTheGrafanaSidecarWhenEnabled() throws IOException {
    assertThat(Chart.ofType(Chart.render(java.util.Map.of()), ConfigMap.class)).as("off by default").isEmpty();

    ConfigMap configMap = Chart.single(Chart.render(sets("dashboard.enabled", true, "dashboard.namespace", "monitoring",
        "dashboard.annotations.grafana_folder", "Training")), ConfigMap.class);

    assertThat(configMap.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(configMap.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Training");
    assertThat(configMap.getData().get(FILE).strip()).isEqualTo(Files.readString(chartCopy()).strip());
    new ObjectMapper().readTree(configMap.getData().get(FILE));
  }

  /** Metric names in a PromQL expression, histogram series mapped to their histogram. */
  static Set<String> metricsIn(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      String name = m.group(1);
      for (String suffix : HISTOGRAM_SUFFIXES) {
        String base = name.substring(0, Math.max(0, name.length() - suffix.length()));
        if (name.endsWith(suffix) && METRICS.contains(base)) {
          name = base;
        }
      }
      names.add(name);
    }
    return names;
  }
}
