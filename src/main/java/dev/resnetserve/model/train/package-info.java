/**
 * Training this project's own models: the shape data set generator (an independent random stream per set and
 * image), the {@code train} command with PyTorch's Adam and oneDNN capped at AVX2 (checked step by step against
 * PyTorch by {@code TrainerParityTest}), and the {@code generate} command.
 */
package dev.resnetserve.model.train;
