package dev.hetero.training.operator.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one clock operator decisions read (reconcile's "now", restart backoff, TTL, node grace,
 * Event timestamps). Tests hand in a fixed or controllable one instead of sleeping.
 */
public class ClockProducer {
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
