#!/usr/bin/env bash
# What a fine-tuned model's test views and input size cost (docs/transfer-learning.md, "Test views", "Input
# size"): the four new shapes of `experiment transfer` learned in head mode with dihedral views, answering for the
# image alone (`alone`), the mean over its eight views (`views`, `--test-views true`), and that mean at 256 px
# (`views256`, `--input-size 256`; the demo takes 192); all served from one model repository on the service's
# defaults, `bench --clients 4` on each in turn over 40 other images of the new shapes, alternating round by round.
#   bench/test-views.sh [seconds, default 30] [rounds, default 2]
# Takes about 3 x rounds x (seconds + 30 s of warm-up) plus a minute. Nothing else should run on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/service.sh
SECONDS_PER_RUN=${1:-30}
ROUNDS=${2:-2}
new_shapes_workdir
java -jar $JAR generate --classes novel --count 40 --seed 1002 --out "$work/images" > /dev/null
declare -A OPTIONS=([alone]="--test-views false" [views]="--test-views true"
  [views256]="--test-views true --input-size 256")
MODELS="alone views views256"
for m in $MODELS; do
  # shellcheck disable=SC2086
  java -jar $JAR fine-tune --base classpath:models/demo --data "$work/shapes" --augmentation dihedral \
    ${OPTIONS[$m]} --name "shapes4-$m" --out "$work/repository/shapes4-$m/1" > /dev/null
done
start_service $JAR "$work/log" --resnet.model-repository="$work/repository"
echo "$(lscpu | grep 'Model name' | tr -s ' '); family $(lscpu | grep 'CPU family' | tr -s ' ' | cut -d' ' -f3)," \
  "model $(lscpu | grep '^Model:' | tr -s ' ' | cut -d' ' -f2); $(nproc) cores; $SECONDS_PER_RUN s a run, $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
  for m in $MODELS; do
    result=$(java -jar $JAR bench --url "http://127.0.0.1:18080/v1/models/shapes4-$m/classify" \
      --images "$work/images" --clients 4 --seconds "$SECONDS_PER_RUN" --warmup 30 2>&1 | grep 'img/s' | tr '\n' ' ')
    echo "round $round, $m (${OPTIONS[$m]}): $result"
  done
done
