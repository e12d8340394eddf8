package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceFallback;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Rules for spec.pools: names, device classes, replica bounds, per-worker resources. */
final class PoolRules {
  private static final Pattern POOL_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private PoolRules() {
  }

  static void pools(List<PoolSpec> pools, List<String> problems) {
    if (pools == null || pools.isEmpty()) {
      problems.add("spec.pools: at least one pool is required");
      return;
    }
    if (pools.size() > 16) {
      problems.add("spec.pools: at most 16 pools, got " + pools.size());
    }
    Set<String> names = new HashSet<>();
    for (PoolSpec p : pools) {
      String at = "spec.pools[" + p.name() + "]";
      if (p.name() == null || p.name().length() > 24 || !POOL_NAME.matcher(p.name()).matches()) {
        problems.add("spec.pools[].name: must be a DNS label of at most 24 characters, got '" + p.name() + "'");
      } else if (!names.add(p.name())) {
        problems.add("spec.pools[].name must be unique within the job (" + p.name() + " repeats)");
      }
      if (p.deviceClass() == null) {
        problems.add(at + ".deviceClass: required (gpu or cpu)");
      }
      Bounds.check(problems, at + ".replicas", p.replicas(), 0, 1024);
      Bounds.check(problems, at + ".minReplicas", p.minReplicas(), 0, 1024);
      Bounds.check(problems, at + ".maxReplicas", p.maxReplicas(), 1, 1024);
      int min = p.minReplicas() == null ? Integer.parseInt(dev.hetero.training.api.v1alpha1.Defaults.MIN_REPLICAS) : p.minReplicas();
      int max = p.maxReplicas() == null ? Integer.parseInt(dev.hetero.training.api.v1alpha1.Defaults.MAX_REPLICAS) : p.maxReplicas();
      if (min > max) {
        problems.add("spec.pools[].minReplicas must not exceed spec.pools[].maxReplicas (pool " + p.name() + ")");
      }
      if (p.replicas() != null && (p.replicas() < min || p.replicas() > max)) {
        problems.add("spec.pools[].replicas must lie within [minReplicas, maxReplicas] (pool " + p.name()
            + ": " + p.replicas() + " not in [" + min + ", " + max + "])");
      }
      if (p.gpusPerWorker() != null && p.deviceClass() != DeviceClass.GPU) {
        problems.add("spec.pools[].gpusPerWorker is only allowed when deviceClass is gpu (pool " + p.name() + ")");
      }
      if (p.deviceFallback() == DeviceFallback.CPU && p.deviceClass() != DeviceClass.GPU) {
        problems.add("spec.pools[].deviceFallback cpu is only allowed when deviceClass is gpu (pool " + p.name() + ")");
      }
      if (p.deviceClaim() != null) {
        deviceClaim(p, at, problems);
      }
      Bounds.check(problems, at + ".gpusPerWorker", p.gpusPerWorker(), 1, 16);
      Bounds.check(problems, at + ".cpusPerWorker", p.cpusPerWorker(), 1, 256);
      if (p.capacityPerWorker() != null && !(p.capacityPerWorker() > 0 && p.capacityPerWorker() <= 1000000)) {
        problems.add(at + ".capacityPerWorker: must lie in (0, 1000000], got " + p.capacityPerWorker());
      }
      Bounds.check(problems, at + ".simulatedSlowdown", p.simulatedSlowdown(), 1, 1000);
    }
  }

  private static void deviceClaim(PoolSpec p, String at, List<String> problems) {
    if (p.deviceClass() != DeviceClass.GPU) {
      problems.add("spec.pools[].deviceClaim is only allowed when deviceClass is gpu (pool " + p.name() + ")");
    }
    String cls = p.deviceClaim().deviceClassName();
    if (cls != null && (cls.isEmpty() || cls.length() > 253 || !DNS_SUBDOMAIN.matcher(cls).matches())) {
      problems.add(at + ".deviceClaim.deviceClassName: must be a DNS subdomain (a DeviceClass name such as gpu.nvidia.com), got '"
          + cls + "'");
    }
  }
}
