package dev.resnetserve.model.train;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The trainer's command-line options, with the defaults that produced the bundled demo model. */
record TrainOptions(
        String architecture,
        int trainSize,
        int validationSize,
        int testSize,
        int warmupEpochs,
        int epochs,
        int batch,
        float learningRate,
        long seed,
        String out,
        String name,
        int inputSize,
        boolean squareValidation,
        String initialisation,
        String from,
        float activationPenalty,
        ActivationPenalty.Form penaltyForm) {

    private static final Set<String> KNOWN = Set.of(
            "arch",
            "train",
            "val",
            "test",
            "warmup",
            "epochs",
            "batch",
            "lr",
            "seed",
            "out",
            "name",
            "input",
            "val-square",
            "init",
            "from",
            "activation-penalty",
            "activation-penalty-form");

    static TrainOptions from(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown option --" + key + "; known: --" + String.join(", --", new TreeSet<>(KNOWN)));
            }
        }
        float penalty = activationPenalty(options.getOrDefault("activation-penalty", "0"));
        if (options.containsKey("activation-penalty-form") && !(penalty > 0)) {
            throw new IllegalArgumentException("--activation-penalty-form needs an --activation-penalty above 0");
        }
        return new TrainOptions(
                options.getOrDefault("arch", "resnet-demo"),
                Integer.parseInt(options.getOrDefault("train", "24000")),
                Integer.parseInt(options.getOrDefault("val", "1000")),
                Integer.parseInt(options.getOrDefault("test", "2000")),
                Integer.parseInt(options.getOrDefault("warmup", "3")),
                Integer.parseInt(options.getOrDefault("epochs", "14")),
                Integer.parseInt(options.getOrDefault("batch", "32")),
                Float.parseFloat(options.getOrDefault("lr", "0.001")),
                Long.parseLong(options.getOrDefault("seed", "42")),
                options.getOrDefault("out", "models/demo"),
                options.getOrDefault("name", "demo"),
                Integer.parseInt(options.getOrDefault("input", "128")),
                Boolean.parseBoolean(options.getOrDefault("val-square", "false")),
                initialisation(options.getOrDefault("init", "torch")),
                options.getOrDefault("from", ""),
                penalty,
                penaltyForm(options.getOrDefault("activation-penalty-form", "mean")));
    }

    /** The weight of {@link ActivationPenalty}: 0 (none, the default) to 10. */
    private static float activationPenalty(String value) {
        float weight = Float.parseFloat(value);
        if (!(weight >= 0 && weight <= 10)) {
            throw new IllegalArgumentException("--activation-penalty is 0 to 10, not '" + value + "'");
        }
        return weight;
    }

    /** {@code mean}, {@code spread} or {@code class-map}: what {@link ActivationPenalty} weighs. */
    private static ActivationPenalty.Form penaltyForm(String value) {
        for (ActivationPenalty.Form form : ActivationPenalty.Form.values()) {
            if (form.option().equals(value)) {
                return form;
            }
        }
        throw new IllegalArgumentException(
                "--activation-penalty-form is mean, spread or class-map, not '" + value + "'");
    }

    /** {@code torch}: PyTorch's default initialisation (TrainCommand.initialiseLikePyTorch); {@code djl}: DJL's. */
    private static String initialisation(String value) {
        if (!value.equals("torch") && !value.equals("djl")) {
            throw new IllegalArgumentException("--init is torch or djl, not '" + value + "'");
        }
        return value;
    }

    String commandLine() {
        return String.format(
                java.util.Locale.ROOT,
                "--arch %s --train %d --val %d --test %d --warmup %d --epochs %d --batch %d "
                        + "--lr %s --seed %d --input %d --init %s --out %s --name %s%s%s%s",
                architecture,
                trainSize,
                validationSize,
                testSize,
                warmupEpochs,
                epochs,
                batch,
                learningRate,
                seed,
                inputSize,
                initialisation,
                out,
                name,
                squareValidation ? " --val-square true" : "",
                from.isEmpty() ? "" : " --from " + from,
                activationPenalty == 0
                        ? ""
                        : " --activation-penalty " + activationPenalty + " --activation-penalty-form "
                                + penaltyForm.option());
    }
}
