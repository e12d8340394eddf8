package dev.hetero.training.api.planner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * GPUs as a DRA driver publishes them (resource.k8s.io/v1 ResourceSlices), per node: the capacity
 * source beside node labels and allocatable nvidia.com/gpu. Pure: the operator turns the API objects
 * into {@link Slice} records and the devices allocated to other pods' claims into {@link DeviceId}s.
 *
 * <p>The API's consumer rules apply: of each driver's pool only the slices of the highest generation
 * count, and only when all {@code resourceSliceCount} of them are seen (a pool being republished is
 * skipped until complete, with a note). Only NVIDIA's driver ({@value #NVIDIA_DRIVER}) is read, and of
 * its devices only full GPUs ({@code type: gpu}; MIG slices and VFIO devices are not sized here).
 */
public final class DraGpus {
  public static final String NVIDIA_DRIVER = "gpu.nvidia.com";

  private DraGpus() {
  }

  /** One device of a slice: attributes as text (string, int, bool or version), capacities in base units. */
  public record Device(String name, Map<String, String> attributes, Map<String, Long> capacity) {
    public Device {
      attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
      capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
    }

    /** An attribute by its bare name or qualified by the driver's domain. */
    String attribute(String driver, String name) {
      String bare = attributes.get(name);
      return bare != null ? bare : attributes.get(driver + "/" + name);
    }

    Long capacity(String driver, String name) {
      Long bare = capacity.get(name);
      return bare != null ? bare : capacity.get(driver + "/" + name);
    }
  }

  /** What the planner reads of a ResourceSlice; {@code nodeName} is null for slices not bound to one node. */
  public record Slice(String name, String driver, String pool, long generation, long resourceSliceCount, String nodeName,
      List<Device> devices) {
    public Slice {
      devices = devices == null ? List.of() : List.copyOf(devices);
    }
  }

  /** A device as a claim's allocation result names it. */
  public record DeviceId(String driver, String pool, String device) {
  }

  /** A node's full GPUs: how many, how many other pods' claims hold, and what they are. */
  public record NodeGpus(int total, int allocatedElsewhere, GpuFacts facts) {
  }

  /**
   * @param allocatedElsewhere devices that claims of pods other than the planned job's hold
   * @param notes where the reasons for leaving slices or devices out are added
   */
  public static Map<String, NodeGpus> byNode(Collection<Slice> slices, Set<DeviceId> allocatedElsewhere, List<String> notes) {
    Map<String, List<Slice>> byPool = slices.stream().filter(s -> NVIDIA_DRIVER.equals(s.driver()))
        .collect(Collectors.groupingBy(s -> s.pool() == null ? "" : s.pool(), TreeMap::new, Collectors.toList()));
    Map<String, List<Counted>> devicesByNode = new TreeMap<>();
    for (Map.Entry<String, List<Slice>> pool : byPool.entrySet()) {
      long generation = pool.getValue().stream().mapToLong(Slice::generation).max().orElse(0);
      List<Slice> current = pool.getValue().stream().filter(s -> s.generation() == generation)
          .sorted(Comparator.comparing(Slice::name)).toList();
      long expected = current.get(0).resourceSliceCount();
      if (current.size() < expected) {
        notes.add("ResourceSlices of " + NVIDIA_DRIVER + " pool " + pool.getKey() + ": " + current.size() + " of " + expected
            + " slices of generation " + generation + " seen; its GPUs are not counted until the pool is complete");
        continue;
      }
      for (Slice slice : current) {
        if (slice.nodeName() == null || slice.nodeName().isEmpty()) {
          notes.add("ResourceSlice " + slice.name() + " is not bound to one node (nodeName unset); its GPUs are not counted");
          continue;
        }
        for (Device device : slice.devices()) {
          String type = device.attribute(NVIDIA_DRIVER, "type");
          if (type != null && !"gpu".equals(type)) {
            notes.add("ResourceSlice " + slice.name() + ": device " + device.name() + " is of type " + type
                + ", not a full GPU; not counted");
            continue;
          }
          boolean taken = allocatedElsewhere.contains(new DeviceId(slice.driver(), slice.pool(), device.name()));
          devicesByNode.computeIfAbsent(slice.nodeName(), n -> new ArrayList<>()).add(new Counted(slice, device, taken));
        }
      }
    }
    Map<String, NodeGpus> result = new TreeMap<>();
    devicesByNode.forEach((node, devices) -> result.put(node, nodeGpus(node, devices, notes)));
    return result;
  }

  private record Counted(Slice slice, Device device, boolean taken) {
  }

  private static NodeGpus nodeGpus(String node, List<Counted> devices, List<String> notes) {
    List<Counted> sorted = devices.stream().sorted(Comparator.comparing((Counted c) -> c.device().name())).toList();
    Counted first = sorted.get(0);
    Set<String> products = sorted.stream().map(c -> String.valueOf(c.device().attribute(NVIDIA_DRIVER, "productName")))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    if (products.size() > 1) {
      notes.add("node " + node + " has GPUs of " + products.size() + " kinds " + products + "; sized as " + first.device().name()
          + "'s");
    }
    Long memory = first.device().capacity(NVIDIA_DRIVER, "memory");
    GpuFacts facts = new GpuFacts(first.device().attribute(NVIDIA_DRIVER, "productName"), memory == null ? 0 : memory,
        first.device().attribute(NVIDIA_DRIVER, "cudaComputeCapability"),
        "ResourceSlice " + first.slice().name() + " (" + NVIDIA_DRIVER + " pool " + first.slice().pool() + ", generation "
            + first.slice().generation() + ")");
    int taken = (int) sorted.stream().filter(Counted::taken).count();
    return new NodeGpus(sorted.size(), taken, facts);
  }
}
