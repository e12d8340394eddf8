package dev.hetero.training.trainer.net;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Refuses every call without the job's token (UNAUTHENTICATED). Compared in constant time; the
 * log names the method and the peer, never the token presented or expected.
 */
public final class TokenInterceptor implements ServerInterceptor {
  /** The caller's address, for the handlers (which connection a rank is on). */
  static final Context.Key<java.net.SocketAddress> PEER = Context.key("htj-peer");

  private final byte[] token;
  private final PrintStream log;

  public TokenInterceptor(byte[] token, PrintStream log) {
    this.token = token.clone();
    this.log = log;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String presented = headers.get(GrpcWire.TOKEN_HEADER);
    if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token)) {
      log.println("coordinator: refused a call to " + call.getMethodDescriptor().getFullMethodName() + " from "
          + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) + ": " + (presented == null ? "missing" : "wrong")
          + " job token");
      call.close(Status.UNAUTHENTICATED.withDescription("wrong or missing job token"), new Metadata());
      return new ServerCall.Listener<>() {
      };
    }
    Context context = Context.current().withValue(PEER, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    return Contexts.interceptCall(context, call, headers, next);
  }
}
