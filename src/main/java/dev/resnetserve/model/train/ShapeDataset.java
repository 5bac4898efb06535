package dev.resnetserve.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import java.util.Random;

/**
 * Generated shapes, already decoded and fitted to the model input exactly as the service does at inference time,
 * kept as 8-bit RGB and normalised per batch.
 */
final class ShapeDataset extends RandomAccessDataset {

    private final byte[][] images;
    private final int[] labels;
    private final PreprocessingSpec spec;
    private final Preprocessor preprocessor = new Preprocessor();
    private final Random augmentation;

    private ShapeDataset(Builder builder) {
        super(builder);
        this.images = builder.images;
        this.labels = builder.labels;
        this.spec = builder.spec;
        this.augmentation = builder.augmentationSeed == null ? null : new Random(builder.augmentationSeed);
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = Math.toIntExact(index);
        byte[] image = augmentation == null
                ? images[i]
                : Dihedral.apply(images[i], spec.width(), augmentation.nextInt(Dihedral.COUNT));
        float[] chw = preprocessor.normalise(image, spec);
        NDArray x = manager.create(chw, new Shape(3, spec.height(), spec.width()));
        return new Record(new NDList(x), new NDList(manager.create((float) labels[i])));
    }

    @Override
    protected long availableSize() {
        return images.length;
    }

    @Override
    public void prepare(Progress progress) {}

    static Builder builder() {
        return new Builder();
    }

    static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {
        private byte[][] images;
        private int[] labels;
        private PreprocessingSpec spec;
        private Long augmentationSeed;

        Builder samples(byte[][] fittedImages, int[] sampleLabels, PreprocessingSpec preprocessing) {
            this.images = fittedImages;
            this.labels = sampleLabels;
            this.spec = preprocessing;
            return this;
        }

        /** Each sample is turned or mirrored at random (the shape classes do not change under either). */
        Builder augmented(long seed) {
            this.augmentationSeed = seed;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        ShapeDataset build() {
            return new ShapeDataset(this);
        }
    }
}
