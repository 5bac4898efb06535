package dev.resnetserve.model.resnet;

/**
 * Parameters and multiply-accumulates of a {@link ResNetSpec}, counted from the architecture (the convention of
 * the paper and torchvision's model cards: ResNet-50 is 4.09 GFLOPs at 224x224, counting multiply-adds).
 */
public record Complexity(long parameters, long multiplyAdds) {

    public static Complexity of(ResNetSpec spec) {
        Counter c = new Counter();
        int size = spec.inputSize();
        int channels = 3;
        switch (spec.stem()) {
            case IMAGENET -> {
                size = c.conv(channels, spec.stemWidth(), 7, 2, size);
                size = (size + 2 - 3) / 2 + 1; // max pool 3x3/2, padding 1
            }
            case CIFAR -> size = c.conv(channels, spec.stemWidth(), 3, 1, size);
            case SMALL -> size = c.conv(channels, spec.stemWidth(), 3, 2, size);
        }
        c.batchNorm(spec.stemWidth());
        channels = spec.stemWidth();
        int[] widths = spec.widths();
        int[] blocks = spec.blocks();
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                int width = widths[stage];
                int out = width * spec.block().expansion();
                int next;
                if (spec.block() == BlockType.BASIC) {
                    next = c.conv(channels, width, 3, stride, size);
                    c.batchNorm(width);
                    c.conv(width, out, 3, 1, next);
                } else {
                    c.conv(channels, width, 1, 1, size);
                    c.batchNorm(width);
                    next = c.conv(width, width, 3, stride, size);
                    c.batchNorm(width);
                    c.conv(width, out, 1, 1, next);
                }
                c.batchNorm(out);
                if (spec.residual() && (stride != 1 || channels != out)) {
                    c.conv(channels, out, 1, stride, size);
                    c.batchNorm(out);
                }
                channels = out;
                size = next;
            }
        }
        c.parameters += (long) channels * spec.classes() + spec.classes();
        c.macs += (long) channels * spec.classes();
        return new Complexity(c.parameters, c.macs);
    }

    public double gigaFlops() {
        return multiplyAdds / 1e9;
    }

    private static final class Counter {
        long parameters;
        long macs;

        /** A bias-free convolution with "same" padding; returns the output size. */
        int conv(int in, int out, int kernel, int stride, int size) {
            int outSize = (size + 2 * (kernel / 2) - kernel) / stride + 1;
            parameters += (long) in * out * kernel * kernel;
            macs += (long) in * out * kernel * kernel * outSize * outSize;
            return outSize;
        }

        void batchNorm(int channels) {
            parameters += 2L * channels; // gamma and beta; running statistics are buffers, not parameters
        }
    }
}
