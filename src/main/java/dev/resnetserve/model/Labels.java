package dev.resnetserve.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Class labels by output index. Lines in the ImageNet synset style ({@code n01440764 tench, Tinca tinca}) are
 * shortened to their first name ({@code tench}), as TorchServe's {@code index_to_name} does.
 */
public record Labels(List<String> names) {

    private static final Pattern WORDNET_ID = Pattern.compile("^n\\d{8}\\s+");

    public Labels {
        names = List.copyOf(names);
    }

    public static Labels parse(List<String> lines) {
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (WORDNET_ID.matcher(trimmed).find()) {
                trimmed = WORDNET_ID.matcher(trimmed).replaceFirst("");
                int comma = trimmed.indexOf(',');
                trimmed = comma > 0 ? trimmed.substring(0, comma).strip() : trimmed;
            }
            names.add(trimmed);
        }
        return new Labels(names);
    }

    /** {@code class_0 .. class_<n-1>}, for a model without labels. */
    public static Labels numbered(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add("class_" + i);
        }
        return new Labels(names);
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }
}
