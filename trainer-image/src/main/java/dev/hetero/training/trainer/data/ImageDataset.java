package dev.hetero.training.trainer.data;

/**
 * Images as raw unsigned bytes in NCHW order plus labels. Kept as bytes (47 MB for
 * Fashion-MNIST's training set instead of 188 MB as floats); batches are normalised on the fly.
 */
public record ImageDataset(String name, int channels, int height, int width, int classes, byte[] pixels, byte[] labels) {

  public ImageDataset {
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(name + ": " + labels.length + " labels but " + pixels.length
          + " pixel bytes (expected " + expected + ")");
    }
  }

  public int size() {
    return labels.length;
  }

  public int imageBytes() {
    return channels * height * width;
  }

  public int label(int index) {
    return labels[index] & 0xff;
  }

  /** The first {@code n} samples (for quick runs and tests). */
  public ImageDataset head(int n) {
    int k = Math.min(n, size());
    return new ImageDataset(name, channels, height, width, classes,
        java.util.Arrays.copyOf(pixels, k * imageBytes()), java.util.Arrays.copyOf(labels, k));
  }
}
