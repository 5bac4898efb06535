package dev.resnetserve.inference;

import dev.resnetserve.model.Labels;
import dev.resnetserve.model.Softmax;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Post-processing: softmax over the logits, the k most probable classes, highest first, with their labels. */
public final class TopK {

    private TopK() {}

    /** The {@code k} most probable classes; ties keep the lower index first. */
    public static List<Prediction> of(float[] logits, int k, Labels labels) {
        return ofProbabilities(Softmax.of(logits), k, labels);
    }

    /** The {@code k} most probable classes of a softmax output; ties keep the lower index first. */
    public static List<Prediction> ofProbabilities(double[] p, int k, Labels labels) {
        PriorityQueue<Integer> smallestFirst =
                new PriorityQueue<>((a, b) -> p[a] != p[b] ? Double.compare(p[a], p[b]) : Integer.compare(b, a));
        for (int i = 0; i < p.length; i++) {
            smallestFirst.add(i);
            if (smallestFirst.size() > k) {
                smallestFirst.poll();
            }
        }
        List<Prediction> top = new ArrayList<>(smallestFirst.size());
        while (!smallestFirst.isEmpty()) {
            int i = smallestFirst.poll();
            top.add(0, new Prediction(i, labels.name(i), p[i]));
        }
        return top;
    }
}
