package dev.resnetserve.model.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.TexturePaint;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Labelled images of eight filled shapes for the demo model. Each sample is a pure function of (seed, index):
 * image 96..1024 px a side with aspect ratio 1:4..4:1; solid, gradient or noisy background; the shape filled with a
 * colour that contrasts with it in brightness or, at close brightness, in hue or saturation, or with a striped or
 * checked texture, or drawn as an outline only; any rotation; shape size 20% to 90% of the shorter side, anywhere in
 * the frame; JPEG or PNG; sometimes blurred.
 */
public final class ShapeGenerator {

    public static final List<String> CLASSES =
            List.of("circle", "square", "triangle", "pentagon", "hexagon", "star", "cross", "ring");

    /**
     * Four shapes the demo model was never shown, for fine-tuning: a crescent and a heart are curved as a circle or
     * a ring is, a letter T is a cross with an arm missing, an arrow is neither polygon nor cross.
     */
    public static final List<String> NOVEL_CLASSES = List.of("heart", "arrow", "crescent", "letter-t");

    private final long seed;
    private final List<String> classes;

    public ShapeGenerator(long seed) {
        this(seed, CLASSES);
    }

    /** Images of {@code classes} (names from {@link #CLASSES} and {@link #NOVEL_CLASSES}); label i is classes[i]. */
    public ShapeGenerator(long seed, List<String> classes) {
        this.seed = seed;
        this.classes = List.copyOf(classes);
    }

    public List<String> classes() {
        return classes;
    }

    /**
     * An encoded image and its class.
     *
     * @param box the shape's bounding box in the image's pixels (before any blur), where an explanation of the
     *            image should point
     * @param style how the shape is drawn
     */
    public record Sample(
            byte[] encoded, String format, int label, int width, int height, Rectangle2D box, Style style) {}

    /** How the shape is drawn: what a per-style accuracy separates. */
    public enum Style {
        /** Filled with one colour that differs from the background in brightness. */
        FILLED_BRIGHTNESS_CONTRAST,
        /** Filled with one colour at close brightness, different in hue or saturation. */
        FILLED_HUE_CONTRAST,
        /** Filled with stripes or checks of two colours. */
        TEXTURED,
        /** Its edge drawn as a line only. */
        OUTLINE
    }

    /** A fill colour and whether it contrasts in hue (at close brightness) rather than in brightness. */
    private record Fill(Color colour, boolean hue) {}

    public Sample sample(long index) {
        SplittableRandom random = stream(seed, index);
        int label = (int) Math.floorMod(index, (long) classes.size());
        double aspect = Math.exp(random.nextDouble(Math.log(1), Math.log(4)));
        int shortSide = (int) random.nextDouble(96, 1024 / aspect + 1);
        int longSide = Math.min(1024, (int) Math.round(shortSide * aspect));
        boolean wide = random.nextBoolean();
        int width = wide ? longSide : shortSide;
        int height = wide ? shortSide : longSide;
        return draw(random, label, width, height);
    }

    /** A sample on a square canvas of {@code size}: the easy first lessons of the training curriculum. */
    public Sample squareSample(long index, int size) {
        SplittableRandom random = stream(seed, index);
        return draw(random, (int) Math.floorMod(index, (long) classes.size()), size, size);
    }

    /**
     * A sample for small inputs (the degradation experiment's 32x32): one shape of half to nine tenths of a square
     * canvas of {@code size}, at any place and rotation, filled in a colour that contrasts in brightness with a plain
     * background, saved losslessly. No outline, texture, noise, blur or JPEG: at 32 px those leave a few pixels of
     * shape (an outline's line is under a pixel), which kept PyTorch's own CIFAR ResNets at chance for hundreds of
     * iterations (docs/degradation.md); CIFAR-10's objects, too, fill most of their images.
     */
    public Sample plainSample(long index, int size) {
        SplittableRandom random = stream(seed, index);
        int label = (int) Math.floorMod(index, (long) classes.size());
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color background = randomColour(random);
        g.setColor(background);
        g.fillRect(0, 0, size, size);
        double diameter = size * random.nextDouble(0.5, 0.9);
        double cx = random.nextDouble(diameter / 2, size - diameter / 2 + 1e-9);
        double cy = random.nextDouble(diameter / 2, size - diameter / 2 + 1e-9);
        AffineTransform place = new AffineTransform();
        place.translate(cx, cy);
        place.rotate(random.nextDouble(0, 2 * Math.PI));
        Shape placed = place.createTransformedShape(outline(classes.get(label), diameter / 2, random));
        g.setColor(contrastingColour(background, random));
        g.fill(placed);
        g.dispose();
        return new Sample(
                encode(image, false, 1f),
                "png",
                label,
                size,
                size,
                tightBounds(placed),
                Style.FILLED_BRIGHTNESS_CONTRAST);
    }

    /**
     * The random stream of image {@code index} of set {@code seed}: its own stream for every (seed, index). Seed and
     * index go through SplitMix64's finaliser (a bijective 64-bit mix) before they seed the generator. The earlier
     * {@code new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index)} multiplied by SplittableRandom's own
     * increment, so image i of set 44 replayed the stream of image i of set 42 two draws later, and the held-out,
     * validation and warm-up sets were shifted copies of the training set's streams.
     */
    static SplittableRandom stream(long seed, long index) {
        return new SplittableRandom(mix64(mix64(seed) ^ index));
    }

    /** SplitMix64's output function (Stafford's variant 13): a bijection of 64-bit values with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Draws one shape of class {@code label} on a {@code width x height} canvas. */
    public Sample draw(SplittableRandom random, int label, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color background = paintBackground(g, image, random);
        int shorter = Math.min(width, height);
        double size = shorter * random.nextDouble(0.2, 0.9);
        double cx = random.nextDouble(size / 2, width - size / 2 + 1e-9);
        double cy = random.nextDouble(size / 2, height - size / 2 + 1e-9);
        String shape = classes.get(label);
        Shape outline = outline(shape, size / 2, random);
        AffineTransform place = new AffineTransform();
        place.translate(cx, cy);
        place.rotate(random.nextDouble(0, 2 * Math.PI));
        Shape placed = place.createTransformedShape(outline);
        double look = random.nextDouble();
        Style style;
        // the demo model was first trained on the image fitted into 128 px (now 192): a line must stay a line there
        double modelPixel = Math.max(width, height) / 128.0;
        if (look < 0.15 && hasOutlineForm(shape) && size >= 24 * modelPixel) {
            // outline only: the shape's edge drawn as a line, the background showing through
            g.setColor(fillColour(background, random).colour());
            style = Style.OUTLINE;
            float line = (float) Math.max(1.5 * modelPixel, size / 2 * random.nextDouble(0.06, 0.16));
            g.setStroke(new BasicStroke(line, BasicStroke.CAP_ROUND, BasicStroke.JOIN_MITER));
            g.draw(placed);
        } else if (look < 0.35) {
            // the stripes or checks at any angle: turn the canvas, fill the shape turned back
            double angle = random.nextDouble(0, Math.PI);
            g.setPaint(texture(background, size, random));
            g.rotate(angle, cx, cy);
            g.fill(AffineTransform.getRotateInstance(-angle, cx, cy).createTransformedShape(placed));
            style = Style.TEXTURED;
        } else {
            Fill fill = fillColour(background, random);
            g.setColor(fill.colour());
            g.fill(placed);
            style = fill.hue() ? Style.FILLED_HUE_CONTRAST : Style.FILLED_BRIGHTNESS_CONTRAST;
        }
        g.dispose();
        if (random.nextDouble() < 0.3) {
            image = blur(image, 1 + 2 * random.nextInt(1 + shorter / 150));
        }
        boolean jpeg = random.nextBoolean();
        return new Sample(
                encode(image, jpeg, (float) random.nextDouble(0.6, 0.95)),
                jpeg ? "jpg" : "png",
                label,
                width,
                height,
                tightBounds(placed),
                style);
    }

    /**
     * One shape of {@code shape} (a name in {@link #CLASSES}), unrotated, {@code diameter} across and centred at
     * ({@code cx}, {@code cy}), filled in {@code fill} on a plain {@code background}: an image whose object's place
     * is known, for checking where an explanation points. Encoded as PNG.
     */
    public static byte[] placed(
            String shape, int width, int height, double cx, double cy, double diameter, Color background, Color fill) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(background);
        g.fillRect(0, 0, width, height);
        g.setColor(fill);
        // proportions drawn from a fixed stream: a star's inner radius, a cross's arms, a ring's hole
        Shape outline = outline(shape, diameter / 2, new SplittableRandom(0));
        g.fill(AffineTransform.getTranslateInstance(cx, cy).createTransformedShape(outline));
        g.dispose();
        return encode(image, false, 1f);
    }

    /**
     * The shape centred on the origin, fitting in a circle of radius {@code r}. Proportions that other drawing
     * programs choose differently (a star's inner radius, a cross's arm width, a ring's hole) vary, so that the model
     * learns the shape, not one program's way of drawing it.
     */
    static Shape outline(String shape, double r, SplittableRandom random) {
        return switch (shape) {
            case "circle" -> new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
            case "square" -> polygon(4, r);
            case "triangle" -> polygon(3, r);
            case "pentagon" -> polygon(5, r);
            case "hexagon" -> polygon(6, r);
            case "star" -> star(r, random.nextDouble(0.32, 0.55));
            case "cross" -> cross(r, random.nextDouble(0.2, 0.42));
            case "ring" -> ring(r, random.nextDouble(0.4, 0.72));
            case "heart" -> heart(r);
            case "arrow" -> arrow(r, random.nextDouble(0.22, 0.42), random.nextDouble(0.45, 0.7));
            case "crescent" -> crescent(r, random.nextDouble(0.3, 0.6));
            case "letter-t" -> letterT(r, random.nextDouble(0.25, 0.45));
            default -> throw new IllegalArgumentException("shape " + shape);
        };
    }

    /**
     * The smallest rectangle around {@code shape}, to 0.01 px: Java 17's {@code Path2D.getBounds2D} bounds a curve's
     * control points, which stick out of a rotated circle by up to 14 %.
     */
    static Rectangle2D tightBounds(Shape shape) {
        double[] point = new double[6];
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (PathIterator it = shape.getPathIterator(null, 0.01); !it.isDone(); it.next()) {
            if (it.currentSegment(point) != PathIterator.SEG_CLOSE) {
                x0 = Math.min(x0, point[0]);
                y0 = Math.min(y0, point[1]);
                x1 = Math.max(x1, point[0]);
                y1 = Math.max(y1, point[1]);
            }
        }
        return new Rectangle2D.Double(x0, y0, x1 - x0, y1 - y0);
    }

    private static Path2D polygon(int sides, double r) {
        double[] radii = new double[sides];
        java.util.Arrays.fill(radii, r);
        return radial(radii);
    }

    private static Path2D star(double r, double innerRatio) {
        double[] radii = new double[10];
        for (int i = 0; i < radii.length; i++) {
            radii[i] = i % 2 == 0 ? r : r * innerRatio;
        }
        return radial(radii);
    }

    /** A closed path through points at equal angles, the first straight up, at the given distances. */
    private static Path2D radial(double[] radii) {
        Path2D path = new Path2D.Double();
        for (int i = 0; i < radii.length; i++) {
            double a = 2 * Math.PI * i / radii.length - Math.PI / 2;
            double x = radii[i] * Math.cos(a);
            double y = radii[i] * Math.sin(a);
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        path.closePath();
        return path;
    }

    private static Area cross(double r, double armRatio) {
        double arm = r * armRatio;
        Area cross = new Area(new Rectangle2D.Double(-r * 0.95, -arm, 1.9 * r, 2 * arm));
        cross.add(new Area(new Rectangle2D.Double(-arm, -r * 0.95, 2 * arm, 1.9 * r)));
        return cross;
    }

    /** Two lobes and a point: two circles over a triangle. */
    private static Area heart(double r) {
        double lobe = r * 0.52;
        Area heart = new Area(new Ellipse2D.Double(-2 * lobe + r * 0.02, -r * 0.75, 2 * lobe, 2 * lobe));
        heart.add(new Area(new Ellipse2D.Double(-r * 0.02, -r * 0.75, 2 * lobe, 2 * lobe)));
        Path2D point = new Path2D.Double();
        point.moveTo(-r * 0.98, -r * 0.1);
        point.lineTo(r * 0.98, -r * 0.1);
        point.lineTo(0, r * 0.95);
        point.closePath();
        heart.add(new Area(point));
        return heart;
    }

    /** A shaft and a triangular head, pointing right before the sample's rotation. */
    private static Area arrow(double r, double shaftRatio, double headRatio) {
        double half = r * shaftRatio / 2;
        double headStart = r * (1 - 2 * headRatio * 0.8);
        Area arrow = new Area(new Rectangle2D.Double(-r * 0.95, -half, headStart + r * 0.95, 2 * half));
        Path2D head = new Path2D.Double();
        head.moveTo(headStart, -r * headRatio);
        head.lineTo(r * 0.95, 0);
        head.lineTo(headStart, r * headRatio);
        head.closePath();
        arrow.add(new Area(head));
        return arrow;
    }

    /** A disc with an offset disc cut out of it. */
    private static Area crescent(double r, double offsetRatio) {
        Area crescent = new Area(new Ellipse2D.Double(-r, -r, 2 * r, 2 * r));
        double cut = r * 0.9;
        double offset = r * offsetRatio;
        crescent.subtract(new Area(new Ellipse2D.Double(offset - cut, -cut, 2 * cut, 2 * cut)));
        return crescent;
    }

    /** A bar across the top and a stem down the middle. */
    private static Area letterT(double r, double thicknessRatio) {
        double t = r * thicknessRatio;
        double side = r * 0.75;
        Area letter = new Area(new Rectangle2D.Double(-side, -side, 2 * side, t));
        letter.add(new Area(new Rectangle2D.Double(-t / 2, -side, t, 2 * side)));
        return letter;
    }

    private static Area ring(double r, double holeRatio) {
        Area ring = new Area(new Ellipse2D.Double(-r, -r, 2 * r, 2 * r));
        double inner = r * holeRatio;
        ring.subtract(new Area(new Ellipse2D.Double(-inner, -inner, 2 * inner, 2 * inner)));
        return ring;
    }

    private static Color paintBackground(Graphics2D g, BufferedImage image, SplittableRandom random) {
        Color base = randomColour(random);
        int w = image.getWidth();
        int h = image.getHeight();
        switch (random.nextInt(3)) {
            case 0 -> {
                g.setColor(base);
                g.fillRect(0, 0, w, h);
            }
            case 1 -> {
                Color other = nearbyColour(base, random);
                g.setPaint(new GradientPaint(0, 0, base, (float) random.nextDouble(0, w), h, other));
                g.fillRect(0, 0, w, h);
            }
            default -> {
                int[] row = new int[w];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int n = random.nextInt(-28, 29);
                        row[x] = clamp(base.getRed() + n) << 16
                                | clamp(base.getGreen() + n) << 8
                                | clamp(base.getBlue() + n);
                    }
                    image.setRGB(0, y, w, 1, row, 0, w);
                }
            }
        }
        return base;
    }

    /**
     * Half the fills contrast with the background in brightness; the other half in hue or saturation at nearly the
     * same brightness (a green square on purple, a red pentagon on green), which a model that looks only at
     * brightness cannot see.
     */
    private static Fill fillColour(Color background, SplittableRandom random) {
        return random.nextBoolean()
                ? new Fill(contrastingColour(background, random), false)
                : new Fill(hueContrastingColour(background, random), true);
    }

    /** A colour within 40 luma steps of the background but at least 150 apart from it in RGB. */
    static Color hueContrastingColour(Color background, SplittableRandom random) {
        for (int attempt = 0; attempt < 200; attempt++) {
            Color c = randomColour(random);
            if (Math.abs(luma(c) - luma(background)) < 40 && distance(c, background) > 150) {
                return c;
            }
        }
        return contrastingColour(background, random);
    }

    /**
     * A striped or checked fill of two colours, each contrasting with the background, with a period of 6 % to 25 %
     * of the shape's size: a textured object, whose outline is what tells its class.
     */
    private static TexturePaint texture(Color background, double size, SplittableRandom random) {
        Color a = fillColour(background, random).colour();
        Color b = fillColour(background, random).colour();
        int period = Math.max(2, (int) Math.round(size * random.nextDouble(0.06, 0.25)));
        BufferedImage tile = new BufferedImage(period, period, BufferedImage.TYPE_INT_RGB);
        boolean checks = random.nextBoolean();
        for (int y = 0; y < period; y++) {
            for (int x = 0; x < period; x++) {
                boolean first = checks ? (x < period / 2) == (y < period / 2) : x < period / 2;
                tile.setRGB(x, y, (first ? a : b).getRGB());
            }
        }
        return new TexturePaint(tile, new Rectangle2D.Double(0, 0, period, period));
    }

    /** A circle drawn as a line is a ring: those two are always filled. */
    private static boolean hasOutlineForm(String shape) {
        return !shape.equals("circle") && !shape.equals("ring");
    }

    private static double distance(Color a, Color b) {
        int dr = a.getRed() - b.getRed();
        int dg = a.getGreen() - b.getGreen();
        int db = a.getBlue() - b.getBlue();
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    private static Color contrastingColour(Color background, SplittableRandom random) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Color c = randomColour(random);
            if (Math.abs(luma(c) - luma(background)) > 80) {
                return c;
            }
        }
        return luma(background) > 127 ? Color.BLACK : Color.WHITE;
    }

    private static Color randomColour(SplittableRandom random) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    private static Color nearbyColour(Color c, SplittableRandom random) {
        return new Color(
                clamp(c.getRed() + random.nextInt(-40, 41)),
                clamp(c.getGreen() + random.nextInt(-40, 41)),
                clamp(c.getBlue() + random.nextInt(-40, 41)));
    }

    private static double luma(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static BufferedImage blur(BufferedImage image, int size) {
        float[] kernel = new float[size * size];
        Arrays.fill(kernel, 1f / kernel.length);
        return new ConvolveOp(new Kernel(size, size, kernel), ConvolveOp.EDGE_NO_OP, null).filter(image, null);
    }

    private static byte[] encode(BufferedImage image, boolean jpeg, float quality) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!jpeg) {
                ImageIO.write(image, "png", bytes);
                return bytes.toByteArray();
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
