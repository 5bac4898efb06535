#!/usr/bin/env bash
# Measures resnet-serve against the bare predictor ceiling, for ResNet-18 and ResNet-50 (random weights, which
# cost the same to run as trained ones). Writes target/bench/results.txt; docs/benchmarks.md quotes it.
# Takes about 45 minutes with the default 20 s per measurement. Install libturbojpeg0 first (as the image does).
#   bench/run.sh [seconds-per-measurement]
# Needs /usr/bin/python3 with Debian's python3-torch and python3-torchvision to make the TorchScript models.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-20}
# Each service is loaded before it is measured. Against the ceiling, for five minutes: at tens of requests per
# second the JIT takes that long to compile the request path with C2, and on two cores its compiler threads take
# CPU from the intra-op threads (docs/operations.md, "CPU threads and capacity"). Comparisons of two
# configurations of the service (batching on/off, overload) warm each up alike, for one minute.
WARMUP=60
STEADY_WARMUP=300
PORT=18080
mvn -B -ntp -q -DskipTests package
[ -f target/bench-models/resnet50.pt ] || /usr/bin/python3 bench/make-bench-models.py target/bench-models
mkdir -p target/bench/images
cp src/test/resources/fixtures/parity/*.jpg target/bench/images/
RESULTS=target/bench/results.txt
: > "$RESULTS"

serve() { # model workers batch delay [queue-capacity [more service options]]
  java -jar target/resnet-serve.jar --server.port=$PORT --resnet.default-model=bench \
    --resnet.models.bench.location="file:$PWD/target/bench-models/$1.pt" --resnet.models.bench.workers="$2" \
    --resnet.models.bench.batch.max-size="$3" --resnet.models.bench.batch.max-delay="$4" \
    --resnet.models.bench.queue-capacity="${5:-256}" "${@:6}" > target/bench/server.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && return 0
    sleep 1
  done
  echo "service did not become ready" >&2; kill $SERVER; exit 1
}

measure() { # label model workers batch delay clients [ceiling-workers ceiling-batch]
  local label=$1 model=$2 workers=$3 batch=$4 delay=$5 clients=$6
  serve "$model" "$workers" "$batch" "$delay"
  local ceiling=()
  local seconds=$SECONDS_PER_RUN warmup=$WARMUP
  if [ $# -ge 8 ]; then # the ceiling and the HTTP load alternate three times, so that the VM's drift hits both
    ceiling=(--ceiling-model "target/bench-models/$model.pt" --workers "$7" --batch "$8" --rounds 3)
    seconds=$((SECONDS_PER_RUN * 3 / 2))
    warmup=$STEADY_WARMUP
  fi
  echo "== $label: $model, workers=$workers batch.max-size=$batch max-delay=$delay, $clients clients" | tee -a "$RESULTS"
  grep -m1 -o "JPEG decoding: .*" target/bench/server.log | tee -a "$RESULTS"
  java -jar target/resnet-serve.jar bench --url "http://127.0.0.1:$PORT/v1/classify" --images target/bench/images \
    --clients "$clients" --seconds "$seconds" --warmup "$warmup" "${ceiling[@]}" 2>/dev/null \
    | grep -E "img/s|cores|round" | tee -a "$RESULTS"
  kill $SERVER; wait $SERVER 2>/dev/null || true
}

rate_run() { # label rate seconds: open loop against the running service
  echo "== $1 at $2 req/s for $3 s" | tee -a "$RESULTS"
  java -jar target/resnet-serve.jar bench --url "http://127.0.0.1:$PORT/v1/classify" --images target/bench/images \
    --rate "$2" --seconds "$3" --warmup 5 2>/dev/null | grep -E "img/s|readiness" | tee -a "$RESULTS"
}

# Overload: open loop at 4x the sustainable rate for 60 s, 2 workers, batch 1. The request timeout is the latency
# budget an operator would set: 1.25x the p99 at half the sustainable rate, measured first with the default
# timeout; requests predicted to miss it are refused at once (503), so the accepted ones keep their latency.
overload() { # model
  local model=$1 sustainable half four p99 budget
  sustainable=$(grep -A3 "8 clients, batching off: $model" "$RESULTS" | grep -oP 'http clients=8\s+\K[0-9.]+')
  half=$(awk -v s="$sustainable" 'BEGIN { printf "%.1f", s * 0.5 }')
  four=$(awk -v s="$sustainable" 'BEGIN { printf "%.1f", s * 4 }')
  serve "$model" 2 1 0ms 64
  rate_run "overload x0.5, default request-timeout: $model (sustainable $sustainable)" "$half" "$SECONDS_PER_RUN"
  kill $SERVER; wait $SERVER 2>/dev/null || true
  p99=$(tail -2 "$RESULTS" | grep -oP 'p99\s+\K[0-9.]+')
  budget=$(awk -v p="$p99" 'BEGIN { printf "%d", p * 1.25 + 0.5 }')
  serve "$model" 2 1 0ms 64 --resnet.models.bench.request-timeout="${budget}ms"
  rate_run "overload x0.5, request-timeout ${budget}ms: $model" "$half" "$SECONDS_PER_RUN"
  rate_run "overload x4, request-timeout ${budget}ms: $model" "$four" 60
  kill $SERVER; wait $SERVER 2>/dev/null || true
}

for model in resnet18 resnet50; do
  measure "saturated, batching on"  $model 2 8 5ms 24 2 8
  measure "8 clients, batching on"  $model 2 8 5ms 8
  measure "8 clients, batching off" $model 2 1 0ms 8
  measure "one client, batch 1"     $model 1 1 0ms 1  1 1
  overload $model
done
echo "results in $RESULTS"
