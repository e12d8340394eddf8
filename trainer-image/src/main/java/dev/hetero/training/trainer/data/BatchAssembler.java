package dev.hetero.training.trainer.data;

import java.util.SplittableRandom;

/**
 * Turns sample indices into a normalised float batch (NCHW), with CIFAR's training-time
 * augmentation: a random 32x32 crop of the image padded by 4 black pixels on every side (black
 * before normalisation, as when padding precedes Normalize in the reference pipeline), and a
 * random horizontal flip.
 */
public final class BatchAssembler {
  private final ImageDataset data;
  private final Normalization norm;
  private final boolean augment;

  public BatchAssembler(ImageDataset data, Normalization norm, boolean augment) {
    this.data = data;
    this.norm = norm;
    this.augment = augment;
  }

  public ImageDataset data() {
    return data;
  }

  /** Fills {@code out} (length >= count x image size) and {@code labels} for indices[from, from+count). */
  public void fill(int[] indices, int from, int count, float[] out, int[] labels, SplittableRandom random) {
    int c = data.channels();
    int h = data.height();
    int w = data.width();
    int plane = h * w;
    int image = c * plane;
    byte[] px = data.pixels();
    for (int s = 0; s < count; s++) {
      int idx = indices[from + s];
      labels[s] = data.label(idx);
      int src = idx * image;
      int dst = s * image;
      if (!augment) {
        for (int ch = 0; ch < c; ch++) {
          float mean = norm.mean(ch);
          float invStd = 1f / norm.std(ch);
          int base = ch * plane;
          for (int p = 0; p < plane; p++) {
            out[dst + base + p] = ((px[src + base + p] & 0xff) / 255f - mean) * invStd;
          }
        }
        continue;
      }
      int dy = random.nextInt(9) - 4;
      int dx = random.nextInt(9) - 4;
      boolean flip = random.nextBoolean();
      for (int ch = 0; ch < c; ch++) {
        float mean = norm.mean(ch);
        float invStd = 1f / norm.std(ch);
        float zero = (0f - mean) * invStd;
        int base = ch * plane;
        for (int y = 0; y < h; y++) {
          int sy = y + dy;
          for (int x = 0; x < w; x++) {
            int sx = (flip ? w - 1 - x : x) + dx;
            float v = zero;
            if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
              v = ((px[src + base + sy * w + sx] & 0xff) / 255f - mean) * invStd;
            }
            out[dst + base + y * w + x] = v;
          }
        }
      }
    }
  }
}
