package dev.resnetserve.inference;

/** How many GPUs the engine can use on this machine. */
@FunctionalInterface
public interface GpuInventory {

    int gpuCount();
}
