#!/usr/bin/env bash
# Workers x intra-op threads, alternated: each configuration is started fresh, loaded, then measured at saturation,
# and the configurations take turns for several rounds, so that the machine's drift hits each alike (a single window
# per configuration moved by 7 % between two identical ones: docs/benchmarks.md, run 8).
#   bench/threads.sh MODEL ROUNDS CONFIG...
#     MODEL: resnet18, resnet50 (TorchScript on libtorch), resnet18.onnx, resnet50.onnx (ONNX Runtime), from
#            target/bench-models (bench/run.sh makes them), or demo (the bundled model)
#     CONFIG: WORKERSxTHREADS (e.g. 1x2, 2x1) or "default" (no workers, no threads set: the derived default)
#   e.g. bench/threads.sh resnet18 3 1x2 2x1 default
# Environment: LOAD (seconds of load before measuring, default 60), MEASURE (seconds measured, default 20),
# CLIENTS (default 24), OPTIONS (more service options, e.g. a TorchScript model's preprocessing). Needs the jar
# (mvn -B -ntp -q -DskipTests package). Prints one line per measurement and a mean per configuration; run it with
# nothing else on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=$1 ROUNDS=$2
shift 2
LOAD=${LOAD:-60} MEASURE=${MEASURE:-20} CLIENTS=${CLIENTS:-24} PORT=18080
mkdir -p target/bench/images
cp src/test/resources/fixtures/parity/*.jpg target/bench/images/
case $MODEL in
  demo) location=() threads=--resnet.engine.intra-op-threads name=demo ;;
  *.onnx) location=(--resnet.models.bench.location="file:$PWD/target/bench-models/$MODEL")
          threads=--resnet.engine.onnx.intra-op-threads name=bench ;;
  *) location=(--resnet.models.bench.location="file:$PWD/target/bench-models/$MODEL.pt")
     threads=--resnet.engine.intra-op-threads name=bench ;;
esac
declare -A SUM
for round in $(seq 1 "$ROUNDS"); do
  for config in "$@"; do
    options=()
    if [ "$config" != default ]; then
      options=(--resnet.models.$name.workers="${config%x*}" "$threads=${config#*x}")
    fi
    java -jar target/resnet-serve.jar --server.port=$PORT --resnet.default-model=$name "${location[@]}" \
      --resnet.models.$name.batch.max-size=8 --resnet.models.$name.batch.max-delay=5ms "${options[@]}" ${OPTIONS:-} \
      > target/bench/server.log 2>&1 &
    server=$!
    for _ in $(seq 1 120); do
      curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break
      sleep 1
    done
    chosen=$(grep -o "model '$name' version '1': [^,]*\|on ONNX Runtime [^:]*: [^,]*" target/bench/server.log \
      | tr '\n' ' ' || true)
    line=$(java -jar target/resnet-serve.jar bench --url "http://127.0.0.1:$PORT/v1/models/$name/classify" \
      --images target/bench/images --clients "$CLIENTS" --seconds "$MEASURE" --warmup "$LOAD" 2>/dev/null \
      | grep -E "img/s" | tail -1)
    kill $server; wait $server 2>/dev/null || true
    echo "== round $round: $MODEL $config ($chosen)"
    echo "$line"
    rate=$(echo "$line" | grep -oP '\s\K[0-9.]+(?= img/s)')
    SUM[$config]=$(awk -v a="${SUM[$config]:-0}" -v b="$rate" 'BEGIN { print a + b }')
  done
done
for config in "$@"; do
  awk -v c="$config" -v s="${SUM[$config]}" -v n="$ROUNDS" 'BEGIN { printf "mean %-8s %.1f img/s\n", c, s / n }'
done
