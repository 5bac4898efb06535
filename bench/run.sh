#!/usr/bin/env bash
# Measures resnet-serve against the bare predictor ceiling, for ResNet-18 and ResNet-50 (random weights, which
# cost the same to run as trained ones). Writes target/bench/results.txt; docs/benchmarks.md quotes it.
# Takes about 45 minutes with the default 20 s per measurement (the engine rows: about 40 more). Install
# libturbojpeg0 first (as the image does).
#   bench/run.sh [seconds-per-measurement] [all|libtorch|engines]
#     libtorch: the original rows only; engines: only the ONNX Runtime / libtorch rows and the workers x threads
#     matrix (each model as TorchScript on libtorch and as ONNX on ONNX Runtime, same weights)
# Needs /usr/bin/python3 with Debian's python3-torch and python3-torchvision to make the TorchScript and ONNX models.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-20}
SECTION=${2:-all}
# Each service is loaded before it is measured. Against the ceiling, for five minutes: at tens of requests per
# second the JIT takes that long to compile the request path with C2, and on two cores its compiler threads take
# CPU from the intra-op threads (docs/operations.md, "CPU threads and capacity"). Comparisons of two
# configurations of the service (batching on/off, overload) warm each up alike, for one minute.
WARMUP=60
STEADY_WARMUP=300
PORT=18080
mvn -B -ntp -q -DskipTests package
[ -f target/bench-models/resnet50.onnx ] || /usr/bin/python3 bench/make-bench-models.py target/bench-models
mkdir -p target/bench/images
cp src/test/resources/fixtures/parity/*.jpg target/bench/images/
RESULTS=target/bench/results.txt
: > "$RESULTS"

serve() { # model workers batch delay [queue-capacity [more service options]]
  # model: resnet18 (TorchScript, libtorch) or resnet18.onnx (ONNX Runtime); workers "default": derived (WorkerThreads)
  local file=$1 workers=()
  [[ $file == *.onnx ]] || file=$file.pt
  [ "$2" = default ] || workers=(--resnet.models.bench.workers="$2")
  java -jar target/resnet-serve.jar --server.port=$PORT --resnet.default-model=bench \
    --resnet.models.bench.location="file:$PWD/target/bench-models/$file" "${workers[@]}" \
    --resnet.models.bench.batch.max-size="$3" --resnet.models.bench.batch.max-delay="$4" \
    --resnet.models.bench.queue-capacity="${5:-256}" "${@:6}" > target/bench/server.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && return 0
    sleep 1
  done
  echo "service did not become ready" >&2; kill $SERVER; exit 1
}

measure() { # label model workers batch delay clients [ceiling-workers ceiling-batch [more service options]]
  local label=$1 model=$2 workers=$3 batch=$4 delay=$5 clients=$6 file=$2
  [[ $file == *.onnx ]] || file=$file.pt
  serve "$model" "$workers" "$batch" "$delay" 256 "${@:9}"
  local ceiling=()
  local seconds=$SECONDS_PER_RUN warmup=$WARMUP
  if [ $# -ge 8 ]; then # the ceiling and the HTTP load alternate three times, so that the VM's drift hits both
    ceiling=(--ceiling-model "target/bench-models/$file" --workers "$7" --batch "$8" --rounds 3)
    seconds=$((SECONDS_PER_RUN * 3 / 2))
    warmup=$STEADY_WARMUP
  fi
  echo "== $label: $model, workers=$workers batch.max-size=$batch max-delay=$delay, $clients clients ${*:9}" \
    | tee -a "$RESULTS"
  grep -m1 -o "JPEG decoding: .*" target/bench/server.log | tee -a "$RESULTS"
  grep -o "derived from .* core(s)\|PyTorch .* engine started: [^,]*\|on ONNX Runtime [^:]*: [^,]*" \
    target/bench/server.log | tee -a "$RESULTS" || true
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

if [ "$SECTION" != engines ]; then
  for model in resnet18 resnet50; do
    measure "saturated, batching on"  $model 2 8 5ms 24 2 8
    measure "8 clients, batching on"  $model 2 8 5ms 8
    measure "8 clients, batching off" $model 2 1 0ms 8
    measure "one client, batch 1"     $model 1 1 0ms 1  1 1
    overload $model
  done
fi

# Engines side by side, same weights, same run: the service on libtorch and on ONNX Runtime, each against the bare
# predictor of its own engine (the ceiling rows), then the workers x intra-op threads matrix for the defaults rule:
# 1 x N, N x 1 and the derived default (no workers, no threads set), per engine and model.
if [ "$SECTION" != libtorch ]; then
  CORES=$(nproc)
  for model in resnet18 resnet50; do
    for file in $model $model.onnx; do
      measure "engines, saturated, batching on" $file 2 8 5ms 24 2 8
      measure "engines, one client, batch 1"    $file 1 1 0ms 1  1 1
    done
  done
  for model in resnet18 resnet50; do
    for file in $model $model.onnx; do
      threads=--resnet.engine.intra-op-threads
      [[ $file == *.onnx ]] && threads=--resnet.engine.onnx.intra-op-threads
      measure "threads 1 x $CORES, saturated" $file 1 8 5ms 24 1 8 "$threads=$CORES"
      measure "threads $CORES x 1, saturated" $file "$CORES" 8 5ms 24 "$CORES" 8 "$threads=1"
      measure "threads default, saturated"    $file default 8 5ms 24
    done
  done
fi
echo "results in $RESULTS"
