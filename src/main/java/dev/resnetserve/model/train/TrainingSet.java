package dev.resnetserve.model.train;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A fine-tuning data set split into training and validation images, per class, before anything is learned from it.
 * The validation images are independent of the training images by construction: files that are not images are
 * dropped, byte-identical copies are kept once (a copy in both halves would be validated on what was trained on),
 * and the held-out share of each class is drawn by the seed from what remains.
 *
 * @param labels     the classes, sorted; a label's index is its class number in the new model
 * @param training   the images trained on
 * @param validation the images held out
 * @param skipped    files dropped: not an image, or a copy of another
 */
public record TrainingSet(
        List<String> labels, List<LabelledImage> training, List<LabelledImage> validation, int skipped) {

    /** The fewest images a class may have: one to train on, one to check. */
    public static final int MIN_IMAGES_PER_CLASS = 2;

    public TrainingSet {
        labels = List.copyOf(labels);
        training = List.copyOf(training);
        validation = List.copyOf(validation);
    }

    /**
     * Splits {@code images}: {@code validationSplit} of each class (rounded, at least one and at most all but one
     * when the split is above zero) is held out.
     *
     * @throws IllegalArgumentException naming every class with fewer than {@link #MIN_IMAGES_PER_CLASS} images, or
     *                                  when there are fewer than two classes
     */
    public static TrainingSet split(List<LabelledImage> images, double validationSplit, long seed) {
        Map<String, List<LabelledImage>> byLabel = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        int skipped = 0;
        for (LabelledImage image : images) {
            if (!looksLikeAnImage(image.bytes()) || !seen.add(sha256(image.bytes()))) {
                skipped++;
                continue;
            }
            byLabel.computeIfAbsent(image.label(), l -> new ArrayList<>()).add(image);
        }
        List<String> tooSmall = byLabel.entrySet().stream()
                .filter(e -> e.getValue().size() < MIN_IMAGES_PER_CLASS)
                .map(e -> e.getKey() + " (" + e.getValue().size() + ")")
                .toList();
        if (!tooSmall.isEmpty()) {
            throw new IllegalArgumentException("every class needs at least " + MIN_IMAGES_PER_CLASS
                    + " images; too few in: " + String.join(", ", tooSmall));
        }
        if (byLabel.size() < 2) {
            throw new IllegalArgumentException(
                    "fine-tuning needs at least 2 classes, found " + byLabel.size() + " " + byLabel.keySet());
        }
        List<LabelledImage> training = new ArrayList<>();
        List<LabelledImage> validation = new ArrayList<>();
        int classIndex = 0;
        for (List<LabelledImage> members : byLabel.values()) {
            List<LabelledImage> shuffled = new ArrayList<>(members);
            shuffled.sort(Comparator.comparing(LabelledImage::name));
            SplittableRandom random = ShapeGenerator.stream(seed, classIndex++);
            for (int i = shuffled.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                shuffled.set(i, shuffled.set(j, shuffled.get(i)));
            }
            int held = heldOut(shuffled.size(), validationSplit);
            validation.addAll(shuffled.subList(0, held));
            training.addAll(shuffled.subList(held, shuffled.size()));
        }
        return new TrainingSet(List.copyOf(byLabel.keySet()), training, validation, skipped);
    }

    static int heldOut(int count, double split) {
        if (split <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(count - 1, Math.round(count * split)));
    }

    public int labelOf(LabelledImage image) {
        return labels.indexOf(image.label());
    }

    /**
     * JPEG, PNG, GIF, BMP, WebP or TIFF by their first bytes: what the service decodes. Anything else in a data set (a README,
     * {@code .DS_Store}, a PDF) is skipped and counted rather than failing the job.
     */
    static boolean looksLikeAnImage(byte[] b) {
        return starts(b, 0xFF, 0xD8, 0xFF)
                || starts(b, 0x89, 'P', 'N', 'G')
                || starts(b, 'G', 'I', 'F', '8')
                || starts(b, 'B', 'M')
                || starts(b, 'I', 'I', '*', 0)
                || starts(b, 'M', 'M', 0, '*')
                || (starts(b, 'R', 'I', 'F', 'F')
                        && b.length >= 12
                        && b[8] == 'W'
                        && b[9] == 'E'
                        && b[10] == 'B'
                        && b[11] == 'P');
    }

    private static boolean starts(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
