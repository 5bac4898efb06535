package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.resnet.BlockType;
import dev.resnetserve.model.resnet.ResNetBuilder;
import dev.resnetserve.model.resnet.ResNetSpec;
import dev.resnetserve.model.resnet.Stem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One to three training steps of the Java trainer (the block {@link ResNetBuilder} builds, the loss and optimiser of
 * {@link TrainCommand#trainingConfig}, DJL's Trainer on the PyTorch engine) against the same steps in PyTorch 1.13
 * ({@code scripts/trainer-parity.py}): same initial weights, same batches. Forward output, loss, every gradient and
 * every updated weight and running statistic must agree to float tolerance. {@code -Dparity.repeat=N} runs it N
 * times in one JVM (the oneDNN fault it caught was intermittent with two threads).
 */
class TrainerParityTest {

    private static final String FIXTURE = "/fixtures/trainer-parity/";
    /** float32 sums in a different order (libtorch 2.7.1 vs 1.13, threads): differences of ~1e-6 expected. */
    private static final double TOLERANCE = 1e-4;

    private static final int STEPS = 3;

    @Test
    void javaTrainingStepsMatchPyTorch() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int r = Integer.getInteger("parity.repeat", 1); r > 0; r--) {
            failures.addAll(runOnce(TrainCommand.trainingConfig(0.001f, 1000), ""));
        }
        assertThat(failures)
                .as("tensors that differ from PyTorch by more than %s", TOLERANCE)
                .isEmpty();
    }

    /**
     * The degradation experiment's optimiser ({@link TorchSgd}: learning rate 0.1, momentum 0.9, weight decay 1e-4)
     * from the same weights on the same batches: three steps, so that the momentum buffer counts.
     */
    @Test
    void theExperimentsSgdStepsMatchPyTorch() throws Exception {
        assertThat(runOnce(DegradationExperiment.trainingConfig(Tracker.fixed(0.1f)), "sgd/"))
                .as("tensors that differ from PyTorch by more than %s", TOLERANCE)
                .isEmpty();
    }

    /**
     * {@code STEPS} steps with {@code config} from the fixture's initial weights, compared with the fixture's tensors
     * under {@code prefix}: every one for Adam's (""), the losses and the weights after each step for SGD's.
     */
    private List<String> runOnce(TrainingConfig config, String prefix) throws Exception {
        boolean full = prefix.isEmpty();
        Map<String, float[]> ref = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        load(ref, shapes);

        ResNetSpec spec = new ResNetSpec(
                "tiny-resnet-demo",
                Stem.SMALL,
                BlockType.BASIC,
                new int[] {8, 16, 16, 32},
                new int[] {1, 1, 1, 1},
                8,
                8,
                32,
                true);
        List<String> report = new ArrayList<>();
        double worst = 0;
        System.setProperty("ai.djl.offline", "true");
        Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(1);
        try (Model model = Model.newInstance("parity", Device.cpu(), ModelLoader.ENGINE)) {
            model.setBlock(ResNetBuilder.build(spec));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.setMetrics(new ai.djl.metric.Metrics());
                trainer.initialize(new Shape(1, 3, 32, 32));
                List<Parameter> params = new ArrayList<>();
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    params.add(p.getValue());
                }
                List<String> names =
                        ref.keySet().stream().filter(n -> n.startsWith("init/")).toList();
                assertThat(params)
                        .as("parameters, in DJL's order, as the fixture lists them")
                        .hasSize(names.size());
                for (int k = 0; k < params.size(); k++) {
                    NDArray array = params.get(k).getArray();
                    assertThat(array.getShape()).as(names.get(k)).isEqualTo(shapes.get(names.get(k)));
                    // a copy into the parameter's own storage (NDArray.set would point it at a Java direct buffer)
                    try (NDArray value = array.getManager()
                            .create(ref.get(names.get(k)), array.getShape())
                            .duplicate()) {
                        array.muli(0).addi(value);
                    }
                }
                NDManager manager = model.getNDManager();
                for (int s = 1; s <= STEPS; s++) {
                    try (NDManager step = manager.newSubManager()) {
                        NDList x = new NDList(step.create(ref.get("batch" + s + "/x"), shapes.get("batch" + s + "/x"))
                                .duplicate());
                        NDList y = new NDList(step.create(ref.get("batch" + s + "/y")));
                        // what EasyTrain.trainBatch does on one device, then Trainer.step()
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList logits = trainer.forward(x, y);
                            NDArray loss = trainer.getLoss().evaluate(y, logits);
                            if (s == 1 && full) {
                                worst = Math.max(
                                        worst,
                                        compare(
                                                report,
                                                "step1/logits",
                                                logits.singletonOrThrow().toFloatArray(),
                                                ref.get("step1/logits")));
                            }
                            worst = Math.max(
                                    worst,
                                    compare(
                                            report,
                                            prefix + "step" + s + "/loss",
                                            new float[] {loss.getFloat()},
                                            ref.get(prefix + "step" + s + "/loss")));
                            collector.backward(loss);
                        }
                        if (s == 1 && full) {
                            for (int k = 0; k < params.size(); k++) {
                                String name = "step1/grad/" + names.get(k).substring("init/".length());
                                if (ref.containsKey(name)) {
                                    worst = Math.max(
                                            worst,
                                            compare(
                                                    report,
                                                    name,
                                                    params.get(k)
                                                            .getArray()
                                                            .getGradient()
                                                            .toFloatArray(),
                                                    ref.get(name)));
                                }
                            }
                        }
                        trainer.step();
                        for (int k = 0; k < params.size(); k++) {
                            String name =
                                    prefix + "step" + s + "/" + names.get(k).substring("init/".length());
                            worst = Math.max(
                                    worst,
                                    compare(
                                            report,
                                            name,
                                            params.get(k).getArray().toFloatArray(),
                                            ref.get(name)));
                        }
                    }
                }
                if (full) {
                    worst = Math.max(worst, evalLogits(report, ref, shapes, trainer, manager));
                }
            }
        }
        System.out.println(String.join("\n", report));
        System.out.println("RUN worst " + worst);
        return report.stream().filter(line -> line.startsWith("FAIL")).toList();
    }

    /** Eval-mode logits (the running statistics) on batch 1 after the last step, against the fixture's. */
    private static double evalLogits(
            List<String> report,
            Map<String, float[]> ref,
            Map<String, Shape> shapes,
            Trainer trainer,
            NDManager manager) {
        try (NDManager eval = manager.newSubManager()) {
            NDList x = new NDList(eval.create(ref.get("batch1/x"), shapes.get("batch1/x")));
            return compare(
                    report,
                    "eval/logits",
                    trainer.evaluate(x).singletonOrThrow().toFloatArray(),
                    ref.get("eval/logits"));
        }
    }

    private static double compare(List<String> report, String name, float[] actual, float[] expected) {
        assertThat(actual).as(name).hasSameSizeAs(expected);
        double max = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        report.add(String.format(
                Locale.ROOT,
                "%s %-40s max |diff| %.3g (max |value| %.3g)",
                max <= TOLERANCE ? "ok  " : "FAIL",
                name,
                max,
                scale));
        return max;
    }

    private static void load(Map<String, float[]> tensors, Map<String, Shape> shapes) throws IOException {
        byte[] blob;
        String index;
        try (InputStream in = TrainerParityTest.class.getResourceAsStream(FIXTURE + "tensors.bin");
                InputStream txt = TrainerParityTest.class.getResourceAsStream(FIXTURE + "tensors.txt")) {
            assertThat(in).as("run scripts/trainer-parity.py").isNotNull();
            blob = in.readAllBytes();
            index = new String(txt.readAllBytes(), StandardCharsets.UTF_8);
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        for (String line : index.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split(" ");
            long[] dims = f[1].equals("-")
                    ? new long[0]
                    : Arrays.stream(f[1].split(",")).mapToLong(Long::parseLong).toArray();
            int offset = Integer.parseInt(f[2]);
            float[] values = new float[Integer.parseInt(f[3])];
            buffer.position(offset * 4);
            buffer.asFloatBuffer().get(values);
            tensors.put(f[0], values);
            shapes.put(f[0], new Shape(dims));
        }
    }
}
