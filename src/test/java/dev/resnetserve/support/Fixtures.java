package dev.resnetserve.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/** Test fixtures from src/test/resources/fixtures, written by scripts/make-test-fixtures.py. */
public final class Fixtures {

    public static final String[] PARITY_IMAGES = {
        "chelsea.jpg", "coffee-progressive.jpg", "astronaut.png", "camera-gray.png", "camera-gray.jpg",
        "rocket-tall.png", "coffee-wide.jpg", "chelsea-small.jpg", "astronaut-rgba.png", "chelsea-palette.png",
    };

    /** The bundled demo model's input side (its {@code resnet-serve.properties}: {@code input-size}). */
    public static final int DEMO_INPUT = 192;

    private Fixtures() {}

    public static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gunzip(String path) {
        try (InputStream in = new GZIPInputStream(Fixtures.class.getResourceAsStream("/fixtures/" + path))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    public static tools.jackson.databind.JsonNode json(String path) {
        return json(bytes(path));
    }

    public static tools.jackson.databind.JsonNode json(byte[] content) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(content);
    }

    public static Path parityModel() {
        try {
            return Path.of(
                    Fixtures.class.getResource("/fixtures/parity/model.pt").toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A valid PNG whose header declares {@code width x height} pixels but whose data is one tiny compressed row:
     * a decompression bomb as far as the header is concerned.
     */
    public static byte[] pngDeclaring(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x63, 0, 0, 0, 1, 0, 1});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] crcBytes = new byte[4];
        putInt(crcBytes, 0, (int) crc.getValue());
        out.writeBytes(crcBytes);
    }

    private static void putInt(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }
}
