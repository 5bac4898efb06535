package dev.resnetserve.bench;

import dev.resnetserve.preprocess.AlphaMode;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import dev.resnetserve.preprocess.TurboJpeg;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request thread's share of the work for one 640x480 JPEG, on one core: decode (libjpeg-turbo, as the service
 * does when the library is installed, and ImageIO for comparison), torchvision's Resize(256) + CenterCrop(224) +
 * normalise, and decode + preprocess together. Run: {@code bench/jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-XX:ActiveProcessorCount=1")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class PreprocessingBenchmark {

    private static final ImageLimits LIMITS = new ImageLimits(40_000_000, 65_500);

    private final ImageDecoder decoder = new ImageDecoder(LIMITS, TurboJpeg.load("turbojpeg"));
    private final ImageDecoder imageIo = new ImageDecoder(LIMITS);
    private final Preprocessor preprocessor = new Preprocessor();
    private final PreprocessingSpec imagenet = PreprocessingSpec.imagenet();
    private byte[] jpeg;
    private RgbImage decoded;

    @Setup
    public void photo() throws IOException {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 90, 160), 640, 480, new Color(220, 180, 40)));
        g.fillRect(0, 0, 640, 480);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 400; i++) { // texture, so the JPEG has detail to decode like a photo
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(640), random.nextInt(480), 4 + random.nextInt(40), 4 + random.nextInt(40));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        jpeg = out.toByteArray();
        if (!decoder.jpegDecoder().startsWith("libjpeg-turbo")) {
            throw new IllegalStateException("libturbojpeg is not installed: apt-get install libturbojpeg0");
        }
        decoded = decoder.decode(jpeg, AlphaMode.DROP, 0xFFFFFF);
    }

    @Benchmark
    public RgbImage decode() {
        return decoder.decode(jpeg, AlphaMode.DROP, 0xFFFFFF);
    }

    @Benchmark
    public RgbImage decodeWithImageIo() {
        return imageIo.decode(jpeg, AlphaMode.DROP, 0xFFFFFF);
    }

    @Benchmark
    public float[] resizeCropNormalise() {
        return preprocessor.toTensor(decoded, imagenet);
    }

    @Benchmark
    public float[] decodeResizeCropNormalise() {
        return preprocessor.toTensor(decoder.decode(jpeg, AlphaMode.DROP, 0xFFFFFF), imagenet);
    }
}
