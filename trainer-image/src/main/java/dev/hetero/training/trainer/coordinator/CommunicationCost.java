package dev.hetero.training.trainer.coordinator;

/**
 * Virtual cost of one model exchange through the coordinator: a fixed latency plus every worker's
 * model going up and the average coming down over a 10 Gb/s link. A modelling choice for the
 * virtual clock, stated here so the bench's figures can be reproduced or re-weighed.
 */
public final class CommunicationCost {
  public static final double LATENCY_SECONDS = 0.0005;
  public static final double BYTES_PER_SECOND = 1.25e9;

  private CommunicationCost() {
  }

  public static double perRound(int modelFloats, int workers) {
    return LATENCY_SECONDS + 2.0 * 4.0 * modelFloats * workers / BYTES_PER_SECOND;
  }
}
