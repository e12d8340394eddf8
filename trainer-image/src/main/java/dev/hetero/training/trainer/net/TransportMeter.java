package dev.hetero.training.trainer.net;

/** What the transport reports to the metrics: payload bytes each way and time spent waiting for the average. */
public interface TransportMeter {
  void sent(long bytes);

  void received(long bytes);

  /** A worker waited this long between handing in its model and receiving the next average. */
  void aggregationWait(double seconds);

  TransportMeter NONE = new TransportMeter() {
    @Override
    public void sent(long bytes) {
    }

    @Override
    public void received(long bytes) {
    }

    @Override
    public void aggregationWait(double seconds) {
    }
  };
}
