# GPU base for ./Dockerfile (not verified here: no GPU, no registry). CUDA 12.8 runtime + cuDNN, with a JRE 17.
#   docker build -t local/cuda-jre17 -f docker/base/cuda-jre17.Dockerfile docker/base
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
    libturbojpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
