package dev.hetero.training.trainer.net;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The gRPC service of the data plane, built by hand (no protoc): two unary methods whose messages
 * are raw bytes in the little-endian {@link Frames} encoding (models as float32, no JSON).
 *
 * <ul>
 *   <li>{@code NextRound}: a worker's hello (rank, world size, batch, local steps, model size); the
 *       answer is WAIT (poll again), ROUND + a round command, or STOP + the final model. The
 *       coordinator parks the call until the worker's next command exists or the poll interval
 *       ends, so a worker that (re)starts at any time simply gets the current command.</li>
 *   <li>{@code Submit}: a worker's round result; the answer says whether it made the round (a
 *       result for a round that already closed is stale and left out).</li>
 * </ul>
 * The job token travels in the {@code x-htj-token} header of every call.
 */
public final class GrpcWire {
  public static final String SERVICE = "hetero.trainer.v1.Coordinator";
  public static final Metadata.Key<String> TOKEN_HEADER = Metadata.Key.of("x-htj-token", Metadata.ASCII_STRING_MARSHALLER);
  /** resnet20 is ~274k floats (1.1 MB) plus indices; 64 MB leaves room for models 50x larger. */
  public static final int MAX_MESSAGE_BYTES = 64 << 20;

  public static final byte WAIT = 0;
  public static final byte ROUND = 1;
  public static final byte STOP = 2;

  static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  public static final MethodDescriptor<byte[], byte[]> NEXT_ROUND = method("NextRound");
  public static final MethodDescriptor<byte[], byte[]> SUBMIT = method("Submit");

  private GrpcWire() {
  }

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(RAW)
        .setResponseMarshaller(RAW)
        .build();
  }
}
