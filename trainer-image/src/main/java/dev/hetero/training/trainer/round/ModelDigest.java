package dev.hetero.training.trainer.round;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over the little-endian bytes of a model vector, optionally skipping masked positions. */
public final class ModelDigest {
  private ModelDigest() {
  }

  public static byte[] of(float[] model, boolean[] skip) {
    ByteBuffer bytes = ByteBuffer.allocate(model.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < model.length; i++) {
      bytes.putFloat(skip != null && skip[i] ? 0f : model[i]);
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes.array());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String hex(byte[] digest) {
    return java.util.HexFormat.of().formatHex(digest);
  }
}
