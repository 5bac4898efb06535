#!/usr/bin/env bash
# A/B of two builds on this noisy machine: alternates the jars, ResNet-18 at batch 1, one client on one worker,
# then 8 clients on two workers, 12 s each, twice.      bench/ab.sh OLD.jar NEW.jar
# Needs target/bench-models/resnet18.pt and target/bench/images (bench/run.sh makes both).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=$PWD/target/bench-models/resnet18.pt
PORT=18090
for round in 1 2; do
  for jar in "$1" "$2"; do
    cp "$jar" target/bench/ab.jar # the bench client runs from target/resnet-serve.jar; the server from a copy
    for config in "1 1" "2 8"; do
      read -r workers clients <<<"$config"
      java -jar target/bench/ab.jar --server.port=$PORT --resnet.default-model=bench \
        --resnet.models.bench.location="file:$MODEL" --resnet.models.bench.workers="$workers" \
        --resnet.models.bench.batch.max-size=1 --resnet.models.bench.batch.max-delay=0ms \
        --resnet.models.bench.queue-capacity=256 > target/bench/ab-server.log 2>&1 &
      server=$!
      for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
      echo "round $round $jar workers=$workers clients=$clients: $(java -jar target/resnet-serve.jar bench \
        --url "http://127.0.0.1:$PORT/v1/classify" --images target/bench/images --clients "$clients" --seconds 12 \
        --warmup 4 2>/dev/null | grep img/s)"
      kill $server; wait $server 2>/dev/null || true
    done
  done
done
