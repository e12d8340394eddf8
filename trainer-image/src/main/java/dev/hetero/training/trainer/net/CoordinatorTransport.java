package dev.hetero.training.trainer.net;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Rank 0's gRPC transport: every service behind the job token, on a port a restarted coordinator can bind again. */
final class CoordinatorTransport {
  private CoordinatorTransport() {
  }

  /**
   * @param onDisconnect told the remote address of every connection that closes (a worker's
   *     process died: the kernel closed its socket, or keepalive gave up on a vanished node)
   */
  static Server start(InetSocketAddress bind, byte[] token, List<ServerServiceDefinition> services,
      Consumer<SocketAddress> onDisconnect, PrintStream log) throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(bind);
    services.forEach(s -> builder.addService(ServerInterceptors.intercept(s, new TokenInterceptor(token, log))));
    return builder
        // a restarted coordinator binds the same port while the old connections sit in TIME_WAIT
        .withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.SO_REUSEADDR, true)
        .maxInboundMessageSize(GrpcWire.MAX_MESSAGE_BYTES)
        // ping idle connections: a worker whose node vanished (no FIN) loses its transport within ~30 s
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .addTransportFilter(new io.grpc.ServerTransportFilter() {
          @Override
          public void transportTerminated(io.grpc.Attributes attributes) {
            onDisconnect.accept(attributes.get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
          }
        })
        .build()
        .start();
  }

  /** Stops the server, forcefully after 2 s. */
  static void stop(Server server) {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
