package dev.resnetserve.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SGD with momentum and weight decay exactly as {@code torch.optim.SGD} (He et al.'s recipe): {@code d = g + wd * w;
 * b = momentum * b + d} ({@code b = d} at the first step); {@code w -= lr * b}. DJL's {@code Sgd} is MXNet's rule
 * (the momentum buffer holds the learning-rate-scaled step, {@code b = momentum * b - lr * d; w += b}), the same
 * only while the learning rate stays constant; the paper's schedule divides it by 10 twice. Written with the same
 * NDArray operations as {@link TorchAdam}, which {@code TrainerParityTest} holds to PyTorch.
 */
final class TorchSgd extends Optimizer {

    private final Tracker learningRate;
    private final float momentum;
    private final float weightDecay;
    private final Map<String, Map<ai.djl.Device, NDArray>> buffers = new ConcurrentHashMap<>();

    TorchSgd(Tracker learningRate, float momentum, float weightDecay) {
        super(new Builder());
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        float lr = learningRate.getNewValue(t);
        boolean first = !buffers.containsKey(parameterId);
        NDArray buffer = withDefaultState(buffers, parameterId, weight.getDevice(), k -> weight.zerosLike());
        try (var scope = weight.getManager().newSubManager()) {
            weight.tempAttach(scope);
            grad.tempAttach(scope);
            buffer.tempAttach(scope);
            NDArray d = grad.add(weight.mul(weightDecay));
            if (first) {
                buffer.addi(d);
            } else {
                buffer.muli(momentum).addi(d);
            }
            weight.subi(buffer.mul(lr));
        }
        JniUtils.zeroGrad((PtNDArray) weight);
    }

    private static final class Builder extends Optimizer.OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
