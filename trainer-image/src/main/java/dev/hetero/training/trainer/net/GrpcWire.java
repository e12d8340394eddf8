package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
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
 *   <li>{@code NextRound}: a worker's hello (rank, world size, model size, whether it holds
 *       optimizer state); the answer is WAIT (poll again), ROUND + a round command, STOP + the
 *       final model, or STOP_ON_REQUEST + the last model (the coordinator is stopping). The
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
  public static final byte STOP_ON_REQUEST = 3;

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

  public static final MethodDescriptor<byte[], byte[]> NEXT_ROUND = method(SERVICE, "NextRound");
  public static final MethodDescriptor<byte[], byte[]> SUBMIT = method(SERVICE, "Submit");

  private GrpcWire() {
  }

  /** The answer's type byte for a command. */
  static byte typeOf(RoundCommand.Kind kind) {
    return switch (kind) {
      case TRAIN -> ROUND;
      case FINISH -> STOP;
      case STOP_ON_REQUEST -> STOP_ON_REQUEST;
    };
  }

  /** The command kind an answer's type byte announces. */
  static RoundCommand.Kind kindOf(byte type) {
    return switch (type) {
      case ROUND -> RoundCommand.Kind.TRAIN;
      case STOP -> RoundCommand.Kind.FINISH;
      case STOP_ON_REQUEST -> RoundCommand.Kind.STOP_ON_REQUEST;
      default -> throw new IllegalArgumentException("unknown answer type " + type);
    };
  }

  /** A unary method of raw bytes in the given service. */
  static MethodDescriptor<byte[], byte[]> method(String service, String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
        .setRequestMarshaller(RAW)
        .setResponseMarshaller(RAW)
        .build();
  }
}
