import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.resnetserve.model.resnet.ResNetBuilder;
import dev.resnetserve.model.resnet.ResNetSpec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Writes the parameters of a model trained by this project (a DJL ResNet directory: {@code <name>-NNNN.params} and
 * {@code resnet-serve.properties}) in DJL's parameter order, with a seeded input batch and the logits the network
 * gives it in evaluation mode, so that a PyTorch twin can load the weights and check it computes the same
 * (bench/int8/quantize.py). The format is trainer-parity's: {@code tensors.bin} float32 little-endian, concatenated;
 * {@code tensors.txt} one line per tensor: name, shape (comma-separated), offset in floats, count.
 *
 * <pre>
 * java -cp "target/classes:$(cat target/classpath.txt)" bench/int8/ExportParams.java src/main/resources/models/demo demo OUT
 * </pre>
 */
public final class ExportParams {

    public static void main(String[] args) throws IOException, ai.djl.MalformedModelException {
        Path directory = Path.of(args[0]);
        String name = args[1];
        Path out = Path.of(args[2]);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(directory.resolve("resnet-serve.properties"))) {
            properties.load(in);
        }
        int size = Integer.parseInt(properties.getProperty("input-size"));
        ResNetSpec spec = ResNetSpec.named(
                        properties.getProperty("architecture"), Integer.parseInt(properties.getProperty("classes")))
                .withInputSize(size);
        Files.createDirectories(out);
        Engine.getEngine("PyTorch").setRandomSeed(20261202);
        try (Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
                DataOutputStream bin = new DataOutputStream(Files.newOutputStream(out.resolve("tensors.bin")));
                Writer txt = Files.newBufferedWriter(out.resolve("tensors.txt"))) {
            model.setBlock(ResNetBuilder.build(spec));
            model.load(directory, name);
            long[] offset = {0};
            int k = 0;
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                write(bin, txt, offset, "param/" + k++ + ":" + p.getKey(), p.getValue().getArray());
            }
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray x = manager.randomNormal(new Shape(4, 3, size, size));
                NDList y = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
                write(bin, txt, offset, "input", x);
                write(bin, txt, offset, "logits", y.singletonOrThrow());
            }
        }
        System.out.println("wrote " + out.resolve("tensors.bin") + " and tensors.txt");
    }

    private static void write(DataOutputStream bin, Writer txt, long[] offset, String name, NDArray array)
            throws IOException {
        float[] values = array.toFloatArray();
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        bin.write(buffer.array());
        String shape = LongStream.of(array.getShape().getShape())
                .mapToObj(Long::toString)
                .collect(Collectors.joining(","));
        txt.write(name + " " + shape + " " + offset[0] + " " + values.length + "\n");
        offset[0] += values.length;
    }
}
