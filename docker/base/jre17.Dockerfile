# A stand-in for eclipse-temurin:17-jre where no registry can be reached: Debian's JRE 17 on a debootstrapped base.
FROM local/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
    libturbojpeg0 \
 && rm -rf /var/lib/apt/lists/*
