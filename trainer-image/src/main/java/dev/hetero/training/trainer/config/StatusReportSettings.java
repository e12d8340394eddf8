package dev.hetero.training.trainer.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how often the coordinator reports status.training and status.workers.
 *
 * @param apiUrl the API server's base URL
 * @param tokenFile the service-account token, re-read on every report
 * @param caFile the cluster CA (the only trusted CA when it exists)
 * @param interval minimum time between two reports
 */
public record StatusReportSettings(URI apiUrl, Path tokenFile, Path caFile, Duration interval) {
}
