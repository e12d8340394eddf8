package dev.hetero.training.api.validation;

import static dev.hetero.training.api.Fixtures.cpuPool;
import static dev.hetero.training.api.Fixtures.gpuPool;
import static dev.hetero.training.api.Fixtures.perWorker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.Fixtures;
import dev.hetero.training.api.crd.CrdWriter;
import dev.hetero.training.api.v1alpha1.CheckpointClaimTemplate;
import dev.hetero.training.api.v1alpha1.CheckpointEmptyDir;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.ClaimDeletionPolicy;
import dev.hetero.training.api.v1alpha1.ClaimMount;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.VolumeAccessMode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java defaults (used without an API server) must equal the defaults the CRD schema declares. */
class SpecDefaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everySchemaDefaultIsWhatSpecDefaultsFillsIn() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(Fixtures.repoRoot().resolve("crds").resolve(CrdWriter.FILE_NAME)), CustomResourceDefinition.class);
    JSONSchemaProps specSchema = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    HeteroTrainingJobSpec minimal = Fixtures.spec(perWorker(8), List.of(gpuPool("gpu", 1), cpuPool("cpu", 1)));
    minimal = new HeteroTrainingJobSpec(minimal.model(), minimal.dataset(),
        new dev.hetero.training.api.v1alpha1.TrainingSpec(null, null, perWorker(8), null, null, null),
        null, null, null, minimal.pools(), null, null);
    JsonNode defaulted = JSON.valueToTree(SpecDefaults.apply(minimal));

    List<String> checked = new ArrayList<>();
    compare("spec", specSchema, defaulted, checked);
    assertThat(checked).hasSizeGreaterThan(35).contains("spec.checkpoint.claimTemplate.size",
        "spec.checkpoint.terminationGracePeriodSeconds", "spec.runPolicy.restarts.preempted.limit");
  }

  private void compare(String path, JSONSchemaProps schema, JsonNode value, List<String> checked) {
    if (schema.getDefault() != null && !(schema.getDefault().isObject() && schema.getDefault().isEmpty())) {
      assertThat(value).as("%s: SpecDefaults leaves it unset but the CRD defaults it to %s", path, schema.getDefault()).isNotNull();
      assertThat(value.isNumber() ? value.doubleValue() : (Object) value)
          .as(path)
          .isEqualTo(schema.getDefault().isNumber() ? schema.getDefault().doubleValue() : (Object) schema.getDefault());
      checked.add(path);
    }
    if (value == null || value.isNull()) {
      return;
    }
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, child) -> compare(path + "." + name, child, value.get(name), checked));
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        compare(path + "[" + i + "]", schema.getItems().getSchema(), value.get(i), checked);
      }
    }
  }

  @Test
  void withoutACheckpointVolumeTheDefaultIsAClaimTemplateAndAnExplicitVolumeStaysAlone() {
    HeteroTrainingJobSpec minimal = Fixtures.spec(perWorker(8), List.of(cpuPool("cpu", 1)));
    CheckpointSpec defaulted = SpecDefaults.apply(minimal).checkpoint();
    assertThat(defaulted.claimTemplate()).isEqualTo(new CheckpointClaimTemplate("1Gi", null,
        List.of(VolumeAccessMode.READ_WRITE_ONCE), ClaimDeletionPolicy.DELETE));
    assertThat(defaulted.persistentVolumeClaim()).isNull();
    assertThat(defaulted.emptyDir()).isNull();
    assertThat(defaulted.terminationGracePeriodSeconds()).isEqualTo(60);

    CheckpointSpec claim = withCheckpoint(minimal, new CheckpointSpec(null, new ClaimMount("ckpt", null), null, null, null));
    assertThat(claim.claimTemplate()).isNull();
    assertThat(claim.persistentVolumeClaim().claimName()).isEqualTo("ckpt");
    CheckpointSpec scratch = withCheckpoint(minimal, new CheckpointSpec(null, null, null, new CheckpointEmptyDir(null), null));
    assertThat(scratch.claimTemplate()).isNull();
    assertThat(scratch.emptyDir()).isNotNull();
    CheckpointSpec template = withCheckpoint(minimal,
        new CheckpointSpec(null, null, new CheckpointClaimTemplate("5Gi", "fast", null, ClaimDeletionPolicy.RETAIN), null, 120));
    assertThat(template.claimTemplate()).isEqualTo(new CheckpointClaimTemplate("5Gi", "fast",
        List.of(VolumeAccessMode.READ_WRITE_ONCE), ClaimDeletionPolicy.RETAIN));
    assertThat(template.terminationGracePeriodSeconds()).isEqualTo(120);
    // after defaulting, exactly one volume is set: what the operator mounts
    for (CheckpointSpec c : List.of(defaulted, claim, scratch, template)) {
      assertThat(java.util.stream.Stream.of(c.persistentVolumeClaim(), c.claimTemplate(), c.emptyDir())
          .filter(java.util.Objects::nonNull)).hasSize(1);
    }
  }

  private static CheckpointSpec withCheckpoint(HeteroTrainingJobSpec s, CheckpointSpec c) {
    return SpecDefaults.apply(new HeteroTrainingJobSpec(s.model(), s.dataset(), s.training(), null, null, null, s.pools(), null, c))
        .checkpoint();
  }

  @Test
  void asyncSamDefaultsAreTheSchemasToo() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(Fixtures.repoRoot().resolve("crds").resolve(CrdWriter.FILE_NAME)), CustomResourceDefinition.class);
    JSONSchemaProps specSchema = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    HeteroTrainingJobSpec async = dev.hetero.training.api.testing.JobYaml.named("a").epochs(null)
        .training("optimizer", "{method: asyncSAM, asyncSAM: {helperPool: helpers}}").cpuPool("cpu", 1).cpuPool("helpers", 1)
        .job().getSpec();
    JSONSchemaProps optimizer = specSchema.getProperties().get("training").getProperties().get("optimizer");
    JsonNode defaulted = JSON.valueToTree(SpecDefaults.apply(async)).get("training").get("optimizer");
    List<String> checked = new ArrayList<>();
    compare("optimizer.rho", optimizer.getProperties().get("rho"), defaulted.get("rho"), checked);
    compare("optimizer.asyncSAM", optimizer.getProperties().get("asyncSAM"), defaulted.get("asyncSAM"), checked);
    assertThat(checked).containsExactlyInAnyOrder("optimizer.rho", "optimizer.asyncSAM.perturbationBatch",
        "optimizer.asyncSAM.staleness");
  }

  @Test
  void applyingTwiceChangesNothing() {
    HeteroTrainingJobSpec minimal = Fixtures.spec(perWorker(8), List.of(gpuPool("gpu", 1)));
    assertThat(SpecDefaults.apply(SpecDefaults.apply(minimal))).isEqualTo(SpecDefaults.apply(minimal));
    assertThat(SpecDefaults.apply(minimal).pools().get(0).gpusPerWorker()).isEqualTo(1);
  }
}
