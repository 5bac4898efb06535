#!/usr/bin/env bash
# Classification throughput and latency of the demo each jar bundles, jars alternating round by round so that a
# drift of the machine's speed weighs on all alike (docs/benchmarks.md, "The 192 px demo against the 160 px one").
# Each round per jar: start the service on its defaults, warm it up, `bench --clients 4` over 40 generated images.
#   bench/demo-jars.sh SECONDS ROUNDS JAR [JAR...]
# Takes about rounds x jars x (seconds + warm-up + start). Nothing else should run on the machine.
set -euo pipefail
source "$(dirname "$0")/service.sh"
SECONDS_PER_RUN=$1; ROUNDS=$2; shift 2
[ $# -ge 1 ] || { echo "usage: $0 SECONDS ROUNDS JAR [JAR...]" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -jar "$1" generate --count 40 --seed 7 --out "$work/images" > /dev/null 2>&1
echo "$(lscpu | grep 'Model name' | tr -s ' '); $(nproc) cores; $SECONDS_PER_RUN s a run, $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
  for jar in "$@"; do
    start_service "$jar" "$work/log"
    result=$(java -jar "$jar" bench --url http://127.0.0.1:18080/v1/classify --images "$work/images" --clients 4 \
      --seconds "$SECONDS_PER_RUN" --warmup 30 2>&1 | grep 'img/s' | tr '\n' ' ')
    echo "round $round $(basename "$jar"): $result"
    kill $pid
    wait $pid 2> /dev/null || true
  done
done
