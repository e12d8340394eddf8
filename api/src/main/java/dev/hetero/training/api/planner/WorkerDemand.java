package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Map;

/** What one worker pod of a pool requests from its node. */
public final class WorkerDemand {
  private WorkerDemand() {
  }

  /**
   * CPU: the larger of cpusPerWorker cores and resources.requests.cpu; memory:
   * resources.requests.memory (0 when unset); GPUs: gpusPerWorker for GPU pools, as nvidia.com/gpu or, for a pool
   * with a deviceClaim, as devices claimed through DRA.
   */
  public static NodeResources of(PoolSpec pool) {
    int cpus = pool.cpusPerWorker() == null ? 1 : pool.cpusPerWorker();
    long cpuMillis = cpus * 1000L;
    long memory = 0;
    Map<String, Quantity> requests = pool.resources() == null ? null : pool.resources().requests();
    if (requests != null) {
      Quantity cpu = requests.get("cpu");
      if (cpu != null) {
        cpuMillis = Math.max(cpuMillis, millis(cpu, "spec.pools[" + pool.name() + "].resources.requests.cpu"));
      }
      Quantity mem = requests.get("memory");
      if (mem != null) {
        memory = bytes(mem, "spec.pools[" + pool.name() + "].resources.requests.memory");
      }
    }
    long gpus = pool.deviceClass() == DeviceClass.GPU ? (pool.gpusPerWorker() == null ? 1 : pool.gpusPerWorker()) : 0;
    return pool.claimsDevices() ? new NodeResources(cpuMillis, memory, 0, gpus) : new NodeResources(cpuMillis, memory, gpus);
  }

  /** Millicores of a CPU quantity ("2", "500m"). */
  public static long millis(Quantity q, String field) {
    return amount(q, field).movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }

  /** Bytes of a memory quantity ("4Gi", "512M"). */
  public static long bytes(Quantity q, String field) {
    return amount(q, field).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }

  private static BigDecimal amount(Quantity q, String field) {
    try {
      BigDecimal value = Quantity.getAmountInBytes(q);
      if (value.signum() < 0) {
        throw new IllegalArgumentException(field + ": must not be negative, got " + q);
      }
      return value;
    } catch (ArithmeticException | IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(field)) {
        throw e;
      }
      throw new IllegalArgumentException(field + ": not a valid quantity: " + q, e);
    }
  }
}
