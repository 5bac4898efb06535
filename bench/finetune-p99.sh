#!/usr/bin/env bash
# Classification while a fine-tuning job runs (docs/transfer-learning.md, "Classification while a job runs"): the
# service on its defaults serving the bundled demo; `bench --clients 4` over 40 generated shape images for
# `seconds`, once with no job and once with a job submitted 15 s after the bench starts (its 5 s warm-up included):
# the 80 images of the four new shapes, head mode, dihedral views, through POST /v1/models/demo/fine-tune.
# Alternates round by round, after one discarded 30 s run; prints each run's line and the job's own time.
#   bench/finetune-p99.sh [seconds, default 60] [rounds, default 2] [fine-tune field=value ...]
# Takes about rounds x 2 x (seconds + 10 s) plus a minute. Needs curl, zip and jq. Nothing else should run here.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/service.sh
SECONDS_PER_RUN=${1:-60}
ROUNDS=${2:-2}
FIELDS=()
for field in "${@:3}"; do FIELDS+=(-F "$field"); done
new_shapes_workdir
(cd "$work/shapes" && zip -qr ../shapes.zip .)
java -jar $JAR generate --count 40 --seed 1003 --out "$work/images" > /dev/null
start_service $JAR "$work/log" --resnet.model-repository="$work/repository"
echo "$(lscpu | grep 'Model name' | tr -s ' '); family $(lscpu | grep 'CPU family' | tr -s ' ' | cut -d' ' -f3)," \
  "model $(lscpu | grep '^Model:' | tr -s ' ' | cut -d' ' -f2); $(nproc) cores; $SECONDS_PER_RUN s a run, $ROUNDS rounds"
bench() {
  java -jar $JAR bench --url http://127.0.0.1:18080/v1/classify --images "$work/images" --clients 4 \
    --seconds "$1" --warmup 5 2>&1 | grep 'img/s' | tr '\n' ' '
}
bench 30 > /dev/null
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round, no job: $(bench "$SECONDS_PER_RUN")"
  (sleep 15; curl -sS --fail-with-body -F dataset=@"$work/shapes.zip" -F name="shapes4-$round" \
    -F augmentation=dihedral "${FIELDS[@]}" http://127.0.0.1:18080/v1/models/demo/fine-tune > "$work/job-$round.json") &
  submitter=$!
  echo "round $round, a job: $(bench "$SECONDS_PER_RUN")"
  wait $submitter || { echo "the job was refused: $(cat "$work/job-$round.json")" >&2; exit 1; } # not the service
  id=$(jq -r .id "$work/job-$round.json")
  for _ in $(seq 1 600); do
    kill -0 $pid 2> /dev/null || { echo "the service died" >&2; tail -30 "$work/log" >&2; exit 1; }
    state=$(curl -sf "http://127.0.0.1:18080/v1/jobs/$id" | jq -r .state)
    [[ $state =~ SUCCEEDED|FAILED|CANCELLED ]] && break
    sleep 1
  done
  curl -sf "http://127.0.0.1:18080/v1/jobs/$id" |
    jq -r '"  job \(.id) \(.state): \(.metrics.seconds) s, validation \(.metrics.validationAccuracy)"'
done
