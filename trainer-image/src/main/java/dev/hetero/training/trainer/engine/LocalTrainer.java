package dev.hetero.training.trainer.engine;

import ai.djl.Device;
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
 * in the block's order), and evaluation; plus SAM's two halves, the loss gradient and the step
 * from a perturbed point. Not thread-safe; DJL's gradient mode is process-wide, so only one
 * LocalTrainer may train (or compute a gradient) at a time in a JVM.
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

  /** A trainer on the CPU (benchmarks, tests, CPU workers). */
  public LocalTrainer(ModelName model, DatasetName data, OptimizerSettings optimizer, long seed) {
    this(model, data, optimizer, seed, Device.cpu());
  }

  /**
   * A trainer whose model, momentum and batches live on {@code device}; only the flat vectors
   * (model in and out, optimizer state, per-sample losses) cross to the host. On a GPU the
   * initial model is the one a CPU trainer of the same seed starts from (initialised on the CPU,
   * then copied), so a run's start does not depend on which device rank 0 has.
   */
  public LocalTrainer(ModelName model, DatasetName data, OptimizerSettings optimizer, long seed, Device device) {
    this.optimizer = optimizer;
    // Explicit: with CUDA natives DJL's default device is gpu(0), which a CPU worker must not use.
    this.manager = NDManager.newBaseManager(device);
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
    if (!device.equals(Device.cpu())) {
      try (LocalTrainer onCpu = new LocalTrainer(model, data, optimizer, seed, Device.cpu())) {
        loadModel(onCpu.readModel(), true);
      }
    }
  }

  /** The device the model trains on. */
  public Device device() {
    return manager.getDevice();
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

  /** Values of the optimizer state: one momentum value per trainable parameter value. */
  public int optimizerStateSize() {
    int n = 0;
    for (NDArray m : momentum) {
      n += m == null ? 0 : (int) m.size();
    }
    return n;
  }

  /**
   * The optimizer's state as one vector: the momentum buffers of the trainable parameters, in the
   * block's parameter order. With the model it is everything a worker's next step depends on.
   */
  public float[] optimizerState() {
    float[] out = new float[optimizerStateSize()];
    int offset = 0;
    for (NDArray m : momentum) {
      if (m != null) {
        float[] values = m.toFloatArray();
        System.arraycopy(values, 0, out, offset, values.length);
        offset += values.length;
      }
    }
    return out;
  }

  /** Replaces the optimizer's state with one read by {@link #optimizerState()} (a restart resuming it). */
  public void loadOptimizerState(float[] state) {
    if (state.length != optimizerStateSize()) {
      throw new IllegalArgumentException("optimizer state has " + state.length + " values, this model's has "
          + optimizerStateSize());
    }
    int offset = 0;
    for (NDArray m : momentum) {
      if (m != null) {
        int size = (int) m.size();
        m.set(FloatBuffer.wrap(state, offset, size));
        offset += size;
      }
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
    try (NDManager step = manager.newSubManager()) {
      float[] losses = forwardBackward(step, inputs, labels, batch);
      applyUpdate(learningRate);
      return losses;
    }
  }

  /**
   * The gradient of the batch's mean loss at the current model (SAM's ascent direction before
   * normalising), as a vector in the model's layout with 0 at the BatchNorm statistics. Leaves no
   * trace: weights, running statistics (the training-mode pass moves them; they are put back),
   * momentum and accumulated gradients are as before.
   */
  public float[] lossGradient(float[] inputs, int[] labels, int batch) {
    float[][] statistics = new float[parameters.size()][];
    for (int i = 0; i < parameters.size(); i++) {
      if (layout.buffers()[i]) {
        statistics[i] = parameters.get(i).getArray().toFloatArray();
      }
    }
    float[] gradient = new float[layout.totalSize()];
    try (NDManager step = manager.newSubManager()) {
      forwardBackward(step, inputs, labels, batch);
    }
    int offset = 0;
    for (int i = 0; i < parameters.size(); i++) {
      NDArray array = parameters.get(i).getArray();
      if (statistics[i] != null) {
        array.set(FloatBuffer.wrap(statistics[i]));
      } else if (momentum[i] != null) {
        try (NDArray grad = array.getGradient()) {
          System.arraycopy(grad.toFloatArray(), 0, gradient, offset, layout.sizes()[i]);
          grad.muli(0f);
        }
      }
      offset += layout.sizes()[i];
    }
    return gradient;
  }

  /**
   * One step taken from the perturbed point (SAM's descent): the weights move to w + epsilon, the
   * forward and backward pass run there (and update the BatchNorm running statistics, as every
   * training pass does), the weights are put back to exactly w, and the usual update applies the
   * gradient taken at w + epsilon. With a zero epsilon this is {@link #trainStep}.
   *
   * @param epsilon a vector in the model's layout; its BatchNorm positions are ignored
   * @return the per-sample cross-entropy at w + epsilon
   */
  public float[] perturbedStep(float[] inputs, int[] labels, int batch, double learningRate, float[] epsilon) {
    if (epsilon.length != layout.totalSize()) {
      throw new IllegalArgumentException("perturbation has " + epsilon.length + " values, this model has " + layout.totalSize());
    }
    float[][] weights = new float[parameters.size()][];
    try (NDManager step = manager.newSubManager()) {
      int offset = 0;
      for (int i = 0; i < parameters.size(); i++) {
        if (momentum[i] != null) {
          NDArray w = parameters.get(i).getArray();
          weights[i] = w.toFloatArray();
          w.addi(step.create(FloatBuffer.wrap(epsilon, offset, layout.sizes()[i]), w.getShape()));
        }
        offset += layout.sizes()[i];
      }
      float[] losses = forwardBackward(step, inputs, labels, batch);
      for (int i = 0; i < parameters.size(); i++) {
        if (weights[i] != null) {
          parameters.get(i).getArray().set(FloatBuffer.wrap(weights[i]));
        }
      }
      applyUpdate(learningRate);
      return losses;
    }
  }

  /** Forward and backward on a batch in training mode; the gradients accumulate on the weights. */
  private float[] forwardBackward(NDManager step, float[] inputs, int[] labels, int batch) {
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
      return perSample.toFloatArray();
    }
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
