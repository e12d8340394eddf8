package dev.hetero.training.trainer.algo;

import dev.hetero.training.api.v1alpha1.ScoreMerge;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-sample training loss, as seen by the workers. Unseen samples score +infinity so top-k
 * picks them first. Observations are buffered and merged only at shuffle boundaries, which is
 * when the reference code all-reduces its tables; between boundaries the sampler sees a stable
 * table. Plain data (merged scores + buffered observations), so a checkpoint saves all of it.
 */
public final class ScoreTable {
  private final float[] scores;
  private final List<int[]> pendingIndices = new ArrayList<>();
  private final List<float[]> pendingLosses = new ArrayList<>();

  public ScoreTable(int size) {
    this.scores = new float[size];
    Arrays.fill(scores, Float.POSITIVE_INFINITY);
  }

  /** A checkpointed table: merged scores and the observations buffered for the next merge. */
  public static ScoreTable restored(float[] merged, List<int[]> indices, List<float[]> losses) {
    ScoreTable table = new ScoreTable(merged.length);
    System.arraycopy(merged, 0, table.scores, 0, merged.length);
    for (int i = 0; i < indices.size(); i++) {
      table.record(indices.get(i), losses.get(i));
    }
    return table;
  }

  public int size() {
    return scores.length;
  }

  public float score(int sample) {
    return scores[sample];
  }

  /** Buffers one worker's observations of a round; indices[i] had loss losses[i]. */
  public void record(int[] indices, float[] losses) {
    if (indices.length != losses.length) {
      throw new IllegalArgumentException("score report has " + indices.length + " indices but " + losses.length + " losses");
    }
    pendingIndices.add(indices.clone());
    pendingLosses.add(losses.clone());
  }

  /**
   * Folds the buffered observations in. min (the default when null) keeps the smaller of the
   * table's value and the new one (element-wise minimum of the workers' tables, where the workers
   * that did not see a sample still hold the previous merged value); latest lets the new
   * observation win.
   */
  public void mergePending(ScoreMerge rule) {
    ScoreMerge merge = rule == null ? ScoreMerge.MIN : rule;
    for (int k = 0; k < pendingIndices.size(); k++) {
      int[] idx = pendingIndices.get(k);
      float[] loss = pendingLosses.get(k);
      for (int i = 0; i < idx.length; i++) {
        float observed = Float.isNaN(loss[i]) ? Float.POSITIVE_INFINITY : loss[i];
        scores[idx[i]] = merge == ScoreMerge.MIN ? Math.min(scores[idx[i]], observed) : observed;
      }
    }
    pendingIndices.clear();
    pendingLosses.clear();
  }

  /** A copy of the merged scores (for checkpoints). */
  public float[] scores() {
    return scores.clone();
  }

  public List<int[]> pendingIndices() {
    return List.copyOf(pendingIndices);
  }

  public List<float[]> pendingLosses() {
    return List.copyOf(pendingLosses);
  }

  public int pendingReports() {
    return pendingIndices.size();
  }
}
