#!/usr/bin/env bash
# Classification latency while explanations run (docs/benchmarks.md, "Classification while explanations run").
# The service on the bundled demo model and its defaults; `bench --clients 4` over 40 generated shape images, each
# measurement SECONDS long: alone, then with one more client asking for explanations back to back (one method at a
# time), the whole sequence twice so that drift hits every row alike. Writes target/bench/explain/results.txt.
#   bench/explain-p99.sh [seconds] ["grad-cam occlusion integrated-gradients"] [service arguments]
# e.g. bench/explain-p99.sh 30 occlusion --resnet.explain.occlusion-batch=8
# Takes about 2 x (1 + methods) x SECONDS plus a minute of warm-up. Nothing else should run on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-60}
METHODS=${2:-grad-cam occlusion integrated-gradients}
SERVICE_ARGS=("${@:3}")
PORT=18080
OUT=target/bench/explain
[ -f target/resnet-serve.jar ] || mvn -B -ntp -q -DskipTests package
rm -rf "$OUT" && mkdir -p "$OUT"
java -jar target/resnet-serve.jar generate --count 40 --seed 7 --out "$OUT/images" > /dev/null
java -jar target/resnet-serve.jar --server.port=$PORT "${SERVICE_ARGS[@]}" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" > /dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" > /dev/null || { echo "service not ready" >&2; exit 1; }
RESULTS=$OUT/results.txt
{ lscpu | grep -m1 "Model name"; lscpu | grep -m1 "CPU family"; lscpu | grep -m1 "^Model:"; nproc
  echo "service arguments: ${SERVICE_ARGS[*]:-none}"; } > "$RESULTS"
IMAGE=$(ls "$OUT"/images/* | head -1)
TYPE=image/png
[[ $IMAGE == *.jpg ]] && TYPE=image/jpeg

classify() { # seconds warm-up
  java -jar target/resnet-serve.jar bench --url "http://127.0.0.1:$PORT/v1/classify" --images "$OUT/images" \
    --clients 4 --seconds "$1" --warmup "$2" 2>/dev/null | grep -v "^\s*$"
}

explain_loop() { # method file: explanations back to back until killed, one line each: HTTP code and seconds
  while true; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Content-Type: $TYPE" --data-binary "@$IMAGE" \
      "http://127.0.0.1:$PORT/v1/models/demo/explain?method=$1" >> "$2" || true
  done
}

echo "warm-up (discarded)" >&2
classify 60 5 > /dev/null
for round in 1 2; do
  echo "== round $round: classification alone" | tee -a "$RESULTS"
  classify "$SECONDS_PER_RUN" 5 | tee -a "$RESULTS"
  for method in $METHODS; do
    log="$OUT/explain-$method-$round.txt"
    : > "$log"
    explain_loop "$method" "$log" &
    LOOP=$!
    echo "== round $round: classification with $method explanations back to back" | tee -a "$RESULTS"
    classify "$SECONDS_PER_RUN" 5 | tee -a "$RESULTS"
    kill $LOOP 2>/dev/null || true
    wait $LOOP 2>/dev/null || true
    awk -v m="$method" '{ n++; codes[$1]++; t += $2 } END {
        printf "   %s explanations: %d, mean %.3f s;", m, n, n ? t / n : 0
        for (c in codes) printf " HTTP %s x %d", c, codes[c]; print "" }' "$log" | tee -a "$RESULTS"
  done
done
echo "wrote $RESULTS"
