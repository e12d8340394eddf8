package dev.hetero.training.trainer.engine;

import java.util.List;

/**
 * Where each parameter lives in the flat model vector, in the block's (deterministic) parameter
 * order. Buffers are the BatchNorm running statistics: part of the vector, no gradient.
 */
public record ModelLayout(List<String> names, int[] sizes, boolean[] buffers) {

  public int totalSize() {
    int total = 0;
    for (int s : sizes) {
      total += s;
    }
    return total;
  }

  /** true at every vector position that belongs to a buffer. */
  public boolean[] bufferMask() {
    boolean[] mask = new boolean[totalSize()];
    int offset = 0;
    for (int p = 0; p < sizes.length; p++) {
      if (buffers[p]) {
        java.util.Arrays.fill(mask, offset, offset + sizes[p], true);
      }
      offset += sizes[p];
    }
    return mask;
  }

  public int bufferValues() {
    int n = 0;
    for (int p = 0; p < sizes.length; p++) {
      n += buffers[p] ? sizes[p] : 0;
    }
    return n;
  }
}
