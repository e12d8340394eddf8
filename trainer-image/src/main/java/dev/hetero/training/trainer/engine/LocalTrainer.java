package dev.hetero.training.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.model.ModelFactory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker's model and optimizer state on DJL's PyTorch engine: a training step that returns
 * the per-sample losses of its forward pass (the sampler's scores, at no extra cost), reading and
 * writing the whole model as one flat float vector (parameters then BatchNorm running statistics,
 * in the block's order), and evaluation. Not thread-safe; DJL's gradient mode is process-wide,
 * so only one LocalTrainer may train at a time in a JVM.
 */
public final class LocalTrainer implements AutoCloseable {
  private final NDManager manager;
  private final Block block;
  private final Shape sampleShape;
  private final ParameterStore store;
  private final List<Parameter> parameters = new ArrayList<>();
  private final NDArray[] momentum;
  private final ModelLayout layout;
  private final OptimizerSettings optimizer;

  public LocalTrainer(ModelName model, DatasetName data, OptimizerSettings optimizer, long seed) {
    this.optimizer = optimizer;
    this.manager = NDManager.newBaseManager();
    ModelFactory.BuiltModel built = ModelFactory.build(model, data);
    this.block = built.block();
    this.sampleShape = built.sampleShape();
    Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sampleShape));
    for (BatchNorm norm : built.zeroGammaNorms()) {
      norm.getParameters().get("gamma").getArray().muli(0);
    }
    this.store = new ParameterStore(manager, false);
    List<String> names = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    List<Boolean> buffers = new ArrayList<>();
    for (Pair<String, Parameter> entry : block.getParameters()) {
      Parameter p = entry.getValue();
      parameters.add(p);
      names.add(entry.getKey());
      sizes.add((int) p.getArray().size());
      buffers.add(!p.requiresGradient());
      if (p.requiresGradient()) {
        p.getArray().setRequiresGradient(true);
      }
    }
    this.momentum = new NDArray[parameters.size()];
    for (int i = 0; i < parameters.size(); i++) {
      if (parameters.get(i).requiresGradient()) {
        momentum[i] = manager.zeros(parameters.get(i).getArray().getShape());
      }
    }
    boolean[] isBuffer = new boolean[buffers.size()];
    for (int i = 0; i < isBuffer.length; i++) {
      isBuffer[i] = buffers.get(i);
    }
    this.layout = new ModelLayout(List.copyOf(names), sizes.stream().mapToInt(Integer::intValue).toArray(), isBuffer);
  }

  public ModelLayout layout() {
    return layout;
  }

  public int sampleSize() {
    return (int) sampleShape.size();
  }

  /** The whole model as one vector. */
  public float[] readModel() {
    float[] out = new float[layout.totalSize()];
    int offset = 0;
    for (Parameter p : parameters) {
      float[] values = p.getArray().toFloatArray();
      System.arraycopy(values, 0, out, offset, values.length);
      offset += values.length;
    }
    return out;
  }

  /** Loads a model vector; with includeBuffers false the local BatchNorm statistics are kept. */
  public void loadModel(float[] vector, boolean includeBuffers) {
    if (vector.length != layout.totalSize()) {
      throw new IllegalArgumentException("model vector has " + vector.length + " values, this model has " + layout.totalSize());
    }
    int offset = 0;
    for (int i = 0; i < parameters.size(); i++) {
      int size = layout.sizes()[i];
      if (includeBuffers || !layout.buffers()[i]) {
        NDArray array = parameters.get(i).getArray();
        array.set(FloatBuffer.wrap(vector, offset, size));
      }
      offset += size;
    }
  }

  /**
   * One SGD step on a batch.
   *
   * @param inputs at least batch x sample-size normalised values
   * @param labels at least batch labels
   * @return the per-sample cross-entropy of the forward pass, before the update
   */
  public float[] trainStep(float[] inputs, int[] labels, int batch, double learningRate) {
    float[] losses;
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(FloatBuffer.wrap(inputs, 0, batch * sampleSize()), new Shape(batch).addAll(sampleShape));
      long[] y = new long[batch];
      for (int i = 0; i < batch; i++) {
        y[i] = labels[i];
      }
      NDArray target = step.create(y).reshape(batch, 1);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
        NDArray perSample = logits.logSoftmax(1).gather(target, 1).reshape(-1).neg();
        collector.backward(perSample.mean());
        losses = perSample.toFloatArray();
      }
      applyUpdate(learningRate);
    }
    return losses;
  }

  /** SGD with momentum: d = g + wd * w; m = mu * m + d; w -= lr * (nesterov ? d + mu * m : m). */
  private void applyUpdate(double learningRate) {
    float mu = (float) optimizer.momentum();
    float wd = (float) optimizer.weightDecay();
    float lr = (float) learningRate;
    for (int i = 0; i < parameters.size(); i++) {
      if (momentum[i] == null) {
        continue;
      }
      NDArray weight = parameters.get(i).getArray();
      try (NDArray grad = weight.getGradient()) {
        if (wd != 0f) {
          try (NDArray decay = weight.mul(wd)) {
            grad.addi(decay);
          }
        }
        momentum[i].muli(mu).addi(grad);
        if (optimizer.nesterov()) {
          try (NDArray look = momentum[i].mul(mu)) {
            grad.addi(look);
            try (NDArray delta = grad.mul(lr)) {
              weight.subi(delta);
            }
          }
        } else {
          try (NDArray delta = momentum[i].mul(lr)) {
            weight.subi(delta);
          }
        }
        // PyTorch accumulates gradients across backward calls; clear them for the next step.
        grad.muli(0f);
      }
    }
  }

  /** Accuracy and loss of the current model on every sample of a data set, without augmentation. */
  public Evaluation evaluate(BatchAssembler data) {
    int n = data.data().size();
    int chunk = 500;
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    float[] inputs = new float[chunk * sampleSize()];
    int[] labels = new int[chunk];
    long correct = 0;
    double lossSum = 0;
    for (int from = 0; from < n; from += chunk) {
      int count = Math.min(chunk, n - from);
      data.fill(all, from, count, inputs, labels, null);
      try (NDManager eval = manager.newSubManager()) {
        NDArray x = eval.create(FloatBuffer.wrap(inputs, 0, count * sampleSize()), new Shape(count).addAll(sampleShape));
        NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
        long[] y = new long[count];
        for (int i = 0; i < count; i++) {
          y[i] = labels[i];
        }
        NDArray target = eval.create(y);
        NDArray predicted = logits.argMax(1);
        correct += predicted.eq(target).sum().getLong();
        lossSum += logits.logSoftmax(1).gather(target.reshape(count, 1), 1).sum().getFloat() * -1.0;
      }
    }
    return new Evaluation(correct / (double) n, lossSum / n, n);
  }

  @Override
  public void close() {
    manager.close();
  }
}
