package dev.hetero.training.trainer.observe;

import dev.hetero.training.api.contract.WorkerEnv;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the coordinator reaches the API server (from {@code TrainerSettings.statusReport()}): the
 * base URL, the service account's token file and the cluster CA. The token is read from its file
 * at every request (projected tokens rotate) and never logged.
 */
public record KubeApiTarget(URI baseUrl, Path tokenFile, Path caFile) {
  /** The status subresource of one job, with server-side apply under the trainer's field manager. */
  public URI statusUri(String namespace, String name) {
    return URI.create(baseUrl + "/apis/training.hetero.dev/v1alpha1/namespaces/" + namespace + "/heterotrainingjobs/" + name
        + "/status?fieldManager=" + WorkerEnv.TRAINER_FIELD_MANAGER + "&force=true");
  }

  String bearerToken() throws IOException {
    if (!Files.isReadable(tokenFile)) {
      return null;
    }
    return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
  }

  /** Trusts only the cluster CA when the file exists, else the JDK's default trust. */
  SSLContext sslContext() throws IOException, GeneralSecurityException {
    if (!Files.isReadable(caFile)) {
      return SSLContext.getDefault();
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
