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
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where and how the coordinator reaches the API server: in a pod the service account's token and
 * CA and KUBERNETES_SERVICE_HOST/PORT; every part can be overridden from the environment (tests
 * point it at a fake API server). The token is read from its file at every request (projected
 * tokens rotate) and never logged.
 */
public record KubeApiTarget(URI baseUrl, Path tokenFile, Path caFile) {
  /** on, off, or auto (default: on when running in a cluster, i.e. KUBERNETES_SERVICE_HOST is set). */
  public static final String REPORT = "HTJ_STATUS_REPORT";
  public static final String API_URL = "HTJ_KUBE_API_URL";
  public static final String TOKEN_FILE = "HTJ_KUBE_TOKEN_FILE";
  public static final String CA_FILE = "HTJ_KUBE_CA_FILE";
  /** Minimum seconds between two status reports (default 5). */
  public static final String INTERVAL_SECONDS = "HTJ_STATUS_INTERVAL_SECONDS";
  static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  /** The target from the environment, or null when reporting is off. */
  public static KubeApiTarget fromEnv(Map<String, String> env) {
    String mode = env.getOrDefault(REPORT, "auto").trim().toLowerCase(java.util.Locale.ROOT);
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String url = env.get(API_URL);
    if (mode.equals("off") || mode.equals("false")) {
      return null;
    }
    if (url == null || url.isBlank()) {
      if (host == null || host.isBlank()) {
        if (mode.equals("on") || mode.equals("true")) {
          throw new IllegalArgumentException(REPORT + "=on needs " + API_URL + " or KUBERNETES_SERVICE_HOST");
        }
        return null;
      }
      String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
      url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
    Path token = Path.of(env.getOrDefault(TOKEN_FILE, SA_DIR + "/token"));
    Path ca = Path.of(env.getOrDefault(CA_FILE, SA_DIR + "/ca.crt"));
    return new KubeApiTarget(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url), token, ca);
  }

  public static String field(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }

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
