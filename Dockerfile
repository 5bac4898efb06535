# resnet-serve runtime image, from the jar built on the host:
#   mvn -B -ntp -DskipTests package && docker build -t resnet-serve .
# BASE_IMAGE is any JRE 17+ image with bash. Where no registry can be reached, scripts/local-docker.sh builds
# local/jre17:bookworm (Debian's JRE): docker build --build-arg BASE_IMAGE=local/jre17:bookworm -t resnet-serve .
# GPU variant (not verified here, no GPU on the build machine): see docs/operations.md, "GPU image".
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BASE_IMAGE} AS layers
WORKDIR /build
COPY target/resnet-serve.jar resnet-serve.jar
# Spring Boot's layers: dependencies change rarely, the application often; each is its own image layer.
RUN java -Djarmode=tools -jar resnet-serve.jar extract --layers --destination extracted

FROM ${BASE_IMAGE}
# cpu: libtorch comes from the jar. GPU variant: a jar built with -Dgpu, PYTORCH_FLAVOR=cu128 and
# ENGINE_DOWNLOAD=true, so that DJL downloads the CUDA libtorch here, once, into the image.
ARG PYTORCH_FLAVOR=cpu
ARG ENGINE_DOWNLOAD=false
# libjpeg-turbo's TurboJPEG (Debian: libturbojpeg0, Ubuntu: libturbojpeg): JPEG decoding 2-7x cheaper than ImageIO
# with the same pixels (README, "Configuration", resnet.decoding); installed unless the base image has it.
RUN if ! ldconfig -p | grep -q 'libturbojpeg\.so\.0'; then apt-get update \
   && { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libturbojpeg0 \
     || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libturbojpeg; } \
   && rm -rf /var/lib/apt/lists/*; fi
RUN groupadd --system --gid 10001 resnet \
 && useradd --system --uid 10001 --gid resnet --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin resnet \
 && mkdir -p /models /config /opt/resnet-serve/djl /var/lib/resnet-serve/model-repository \
 && chown 10001:10001 /var/lib/resnet-serve/model-repository

WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./

# libtorch is extracted into the image now, so the container starts offline and never writes to the engine cache:
# the root filesystem can be read-only (mount a tmpfs on /tmp, the only directory written at run time). So is JNA's
# native stub (for libturbojpeg), found through JDK_JAVA_OPTIONS whatever JAVA_OPTS says: Docker's --tmpfs is noexec.
ENV ENGINE_CACHE_DIR=/opt/resnet-serve/djl \
    DJL_CACHE_DIR=/opt/resnet-serve/djl \
    PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    SERVER_ADDRESS=0.0.0.0 \
    RESNET_MANAGEMENT_ALLOWEDLOCATIONS=file:/models/,classpath:models/ \
    RESNET_MODELREPOSITORY=/var/lib/resnet-serve/model-repository \
    SPRING_CONFIG_ADDITIONAL_LOCATION=optional:file:/config/ \
    JDK_JAVA_OPTIONS="-Djna.boot.library.path=/opt/resnet-serve/jna" \
    JAVA_OPTS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true"
RUN if [ "$ENGINE_DOWNLOAD" = true ]; then offline=false; else offline=true; fi \
 && java -Dai.djl.offline=$offline -jar resnet-serve.jar engine \
 && chmod -R a+rX /opt/resnet-serve

USER 10001:10001
# 8080: HTTP (REST, probes, metrics); 8081: the Open Inference Protocol over gRPC (resnet.grpc.port)
EXPOSE 8080 8081
# bash's /dev/tcp keeps the image free of curl; readiness = every model loaded and warmed up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
# exec: java is PID 1 and receives SIGTERM itself, which starts the graceful shutdown.
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS -jar /app/resnet-serve.jar \"$@\"", "resnet-serve"]
