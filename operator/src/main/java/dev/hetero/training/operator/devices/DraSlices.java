package dev.hetero.training.operator.devices;

import dev.hetero.training.api.planner.DraGpus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceAttribute;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceCapacity;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns resource.k8s.io/v1 objects into the planner's records (pure; {@link DraGpus} decides). */
public final class DraSlices {
  private DraSlices() {
  }

  public static DraGpus.Slice slice(ResourceSlice s) {
    var spec = s.getSpec();
    var pool = spec.getPool();
    List<DraGpus.Device> devices = spec.getDevices() == null ? List.of() : spec.getDevices().stream()
        .map(d -> new DraGpus.Device(d.getName(), attributes(d.getAttributes()), capacities(d.getCapacity()))).toList();
    return new DraGpus.Slice(s.getMetadata().getName(), spec.getDriver(), pool == null ? null : pool.getName(),
        pool == null || pool.getGeneration() == null ? 0 : pool.getGeneration(),
        pool == null || pool.getResourceSliceCount() == null ? 1 : pool.getResourceSliceCount(), spec.getNodeName(), devices);
  }

  /**
   * Devices that claims hold for pods other than the given ones (the planned job's own pods, whose devices the
   * plan may reuse): a claim counts when it is allocated and not owned by one of those pods.
   */
  public static Set<DraGpus.DeviceId> allocatedElsewhere(Collection<ResourceClaim> claims, Set<String> ownPodUids) {
    Set<DraGpus.DeviceId> taken = new HashSet<>();
    for (ResourceClaim claim : claims) {
      if (ownedByAny(claim, ownPodUids) || claim.getStatus() == null || claim.getStatus().getAllocation() == null
          || claim.getStatus().getAllocation().getDevices() == null
          || claim.getStatus().getAllocation().getDevices().getResults() == null) {
        continue;
      }
      claim.getStatus().getAllocation().getDevices().getResults()
          .forEach(r -> taken.add(new DraGpus.DeviceId(r.getDriver(), r.getPool(), r.getDevice())));
    }
    return taken;
  }

  private static boolean ownedByAny(ResourceClaim claim, Set<String> podUids) {
    List<OwnerReference> owners = claim.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> "Pod".equals(o.getKind()) && podUids.contains(o.getUid()));
  }

  private static Map<String, String> attributes(Map<String, DeviceAttribute> in) {
    Map<String, String> out = new LinkedHashMap<>();
    if (in != null) {
      in.forEach((name, a) -> {
        String value = a.getString() != null ? a.getString() : a.getVersion() != null ? a.getVersion()
            : a.getInt() != null ? String.valueOf(a.getInt()) : a.getBool() != null ? String.valueOf(a.getBool()) : null;
        if (value != null) {
          out.put(name, value);
        }
      });
    }
    return out;
  }

  private static Map<String, Long> capacities(Map<String, DeviceCapacity> in) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (in != null) {
      in.forEach((name, c) -> {
        if (c.getValue() != null) {
          try {
            out.put(name, Quantity.getAmountInBytes(c.getValue()).setScale(0, RoundingMode.CEILING).longValueExact());
          } catch (ArithmeticException | IllegalArgumentException e) {
            // A capacity that is not a number is not a fact the planner can use; the device still counts.
          }
        }
      });
    }
    return out;
  }
}
