package dev.resnetserve.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Locale;

/**
 * How ONNX Runtime runs a model: one session per model copy (per device), shared by that copy's workers. Unlike
 * libtorch's, its threads are per session, so each model gets its own count.
 *
 * @param intraOpThreads threads of the session's operator pool; the worker thread that calls the session is one of
 *                       them, so 1 runs every operator on the worker itself. 0: derived from the cores and the
 *                       model's workers ({@link WorkerThreads#intraOpThreads})
 * @param interOpThreads threads running independent graph branches (a ResNet has none worth it): 1 runs them in order
 * @param arena          ONNX Runtime's CPU arena allocator: keeps freed tensor memory for the next run
 * @param optimization   graph optimisation level: {@code none}, {@code basic}, {@code extended}, {@code all}
 */
public record OnnxSettings(int intraOpThreads, int interOpThreads, boolean arena, String optimization) {

    /** The levels {@code optimization} may name, as a pattern for validation annotations. */
    public static final String OPTIMIZATION_PATTERN = "(?i)none|basic|extended|all";

    public OnnxSettings {
        if (intraOpThreads < 0 || interOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be 0 or more, inter-op threads 1 or more: "
                    + intraOpThreads + ", " + interOpThreads);
        }
        optLevel(optimization); // fails on an unknown level
    }

    /** ONNX Runtime's defaults, with one inter-op thread and the intra-op threads derived. */
    public static OnnxSettings defaults() {
        return new OnnxSettings(0, 1, true, "all");
    }

    /** The intra-op threads a session for a model with {@code workers} CPU workers gets. */
    public int intraOpThreadsFor(int workers) {
        return intraOpThreads > 0
                ? intraOpThreads
                : WorkerThreads.intraOpThreads(Runtime.getRuntime().availableProcessors(), workers);
    }

    /** Session options for a model with {@code workers} CPU workers; the caller closes them. */
    SessionOptions sessionOptions(int workers) throws OrtException {
        SessionOptions options = new SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreadsFor(workers));
            options.setInterOpNumThreads(interOpThreads);
            options.setExecutionMode(
                    interOpThreads > 1
                            ? SessionOptions.ExecutionMode.PARALLEL
                            : SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setCPUArenaAllocator(arena);
            options.setOptimizationLevel(optLevel(optimization));
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    static OptLevel optLevel(String level) {
        return switch (level == null ? "" : level.toLowerCase(Locale.ROOT)) {
            case "none" -> OptLevel.NO_OPT;
            case "basic" -> OptLevel.BASIC_OPT;
            case "extended" -> OptLevel.EXTENDED_OPT;
            case "all" -> OptLevel.ALL_OPT;
            default ->
                throw new IllegalArgumentException(
                        "the graph optimisation level is none, basic, extended or all, not '" + level + "'");
        };
    }
}
