package dev.hetero.training.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.api.validation.SpecValidator;
import org.junit.jupiter.api.Test;

class JobYamlTest {
  @Test
  void buildsAValidManifestWithOnlyWhatTheTestSays() {
    var job = JobYaml.named("j").namespace("ns").label("kueue.x-k8s.io/queue-name", "q").algorithm("localSGD").epochs(2)
        .globalBatch(256).training("seed", "7").spec("runPolicy", "{backoffLimit: 1}")
        .gpuPool("gpu", 1).pool("""
            name: cpu
            deviceClass: cpu
            replicas: 2
            cpusPerWorker: 2""").job();
    var spec = SpecDefaults.apply(job.getSpec());
    assertThat(SpecValidator.validate(spec)).isEmpty();
    assertThat(job.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "q");
    assertThat(spec.training().algorithm()).isEqualTo(Algorithm.LOCAL_SGD);
    assertThat(spec.training().batch().global()).isEqualTo(256);
    assertThat(spec.training().seed()).isEqualTo(7L);
    assertThat(spec.runPolicy().backoffLimit()).isEqualTo(1);
    assertThat(spec.pools()).extracting(p -> p.deviceClass()).containsExactly(DeviceClass.GPU, DeviceClass.CPU);
    assertThat(spec.pools().get(1).cpusPerWorker()).isEqualTo(2);
  }
}
