package dev.hetero.training.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A training job whose workers run on a mix of GPU and CPU nodes. The operator plans the
 * workers from node capacity, and the trainer pods run (biased) local SGD between them.
 *
 * <p>Printer columns read fields or select conditions by type, never by position.
 */
@Group(HeteroTrainingJob.GROUP)
@Version(HeteroTrainingJob.VERSION)
@Kind(HeteroTrainingJob.KIND)
@Plural(HeteroTrainingJob.PLURAL)
@Singular("heterotrainingjob")
@ShortNames("htj")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Lifecycle phase of the job")
@AdditionalPrinterColumn(name = "Workers", jsonPath = ".status.workersReady", type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Worker pods ready / planned")
@AdditionalPrinterColumn(name = "Epoch", jsonPath = ".status.training.display.epoch", type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Epochs of the budget processed so far, counted in global samples (two decimals)")
@AdditionalPrinterColumn(name = "Accuracy", jsonPath = ".status.training.display.accuracy", type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Test accuracy of the averaged model after the last evaluation")
@AdditionalPrinterColumn(name = "Samples/s", jsonPath = ".status.training.display.samplesPerSecond",
    type = AdditionalPrinterColumn.Type.STRING, getDescription = "Training throughput of all workers together")
@AdditionalPrinterColumn(name = "Algorithm", jsonPath = ".spec.training.algorithm", type = AdditionalPrinterColumn.Type.STRING,
    priority = 1, getDescription = "syncSGD, localSGD or biasedLocalSGD")
@AdditionalPrinterColumn(name = "Slowest", jsonPath = ".status.training.display.slowestShare",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    getDescription = "The slowest worker's compute as a share of the last round's wall time")
@AdditionalPrinterColumn(name = "Updated", jsonPath = ".status.training.updatedAt", type = AdditionalPrinterColumn.Type.DATE,
    priority = 1, getDescription = "Time since the trainer last reported progress")
@AdditionalPrinterColumn(name = "Running", jsonPath = ".status.conditions[?(@.type==\"Running\")].status",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    getDescription = "Status of the Running condition")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Failed\")].reason",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    getDescription = "Why the job failed, from the Failed condition")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE,
    getDescription = "Time since the job was created")
public class HeteroTrainingJob extends CustomResource<HeteroTrainingJobSpec, HeteroTrainingJobStatus>
    implements Namespaced {

  public static final String GROUP = "training.hetero.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "HeteroTrainingJob";
  public static final String PLURAL = "heterotrainingjobs";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = PLURAL + "." + GROUP;
}
