package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * A GPU pool's devices requested through Dynamic Resource Allocation (resource.k8s.io/v1): the
 * operator creates one ResourceClaimTemplate per pool asking for gpusPerWorker devices of this
 * DeviceClass, and each worker pod claims from it instead of requesting nvidia.com/gpu.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceClaimSpec(
    @Default(Defaults.DEVICE_CLASS_NAME) @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("DeviceClass of the claimed devices (a DNS subdomain); NVIDIA's DRA driver installs gpu.nvidia.com.")
    String deviceClassName) {
}
