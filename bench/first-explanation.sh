#!/bin/bash
# The first explanation after a start, per method, against the next three: each jar given is started once per
# method (so that every method's request is the first of its process), on port 18080, serving its bundled demo.
#   bench/first-explanation.sh target/resnet-serve.jar [other.jar ...]
# Prints one line per jar and method: the four requests' times as curl saw them, and the model's load time.
set -euo pipefail
source "$(dirname "$0")/service.sh"
[ $# -ge 1 ] || { echo "usage: $0 JAR [JAR...]" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -jar "$1" generate --count 8 --seed 99 --out "$work/shapes" > /dev/null 2>&1
img="$work/shapes/$(ls "$work/shapes" | sed -n 4p)"
echo "image $(basename "$img"); $(lscpu | grep 'Model name' | tr -s ' ')"
for jar in "$@"; do
  for m in grad-cam integrated-gradients occlusion; do
    start_service "$jar" "$work/log"
    times=""
    for i in 1 2 3 4; do
      times="$times $(curl -s -o /dev/null -w '%{time_total}' --data-binary @"$img" -H 'Content-Type: image/png' \
        "http://127.0.0.1:18080/v1/models/demo/explain?method=$m")"
    done
    echo "$(basename "$jar") $m: first, second, third, fourth:$times s ($(grep -o 'loaded in [0-9]* ms' "$work/log" | head -1))"
    kill $pid
    wait $pid 2> /dev/null || true
  done
done
