/**
 * Fine-tuning as a service: jobs that teach a served model new classes from an uploaded data set (queued, run on
 * bounded threads, cancellable, observed), and the model repository their results are written to, loaded from at
 * start and polled for what other replicas wrote. The learning itself is {@code model.train.FineTuner}.
 */
package dev.resnetserve.finetune;
