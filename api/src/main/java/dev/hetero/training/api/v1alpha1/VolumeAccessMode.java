package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** PersistentVolumeClaim access modes, spelled as in Kubernetes. */
public enum VolumeAccessMode implements WireNamed {
  @JsonProperty("ReadWriteOnce") READ_WRITE_ONCE,
  @JsonProperty("ReadWriteOncePod") READ_WRITE_ONCE_POD,
  @JsonProperty("ReadWriteMany") READ_WRITE_MANY;
}
