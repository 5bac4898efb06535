#!/usr/bin/env bash
# The INT8 experiment of issue 20 (docs/benchmarks.md, "INT8"): static post-training quantisation (onednn, Debian's
# torch 1.13) of the bundled demo model (ported to a PyTorch twin from its own weights) and of bench/make-bench-
# models.py's random-weight ResNet-18 and ResNet-50; top-1 agreement of int8 with fp32 on images the calibration
# did not see, then each fp32 and int8 model served by the service on libtorch, alternating, at its default split.
#   bench/int8/run.sh [rounds]        (about 25 minutes with 2 rounds; run it with nothing else on the machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-2}
OUT=target/int8
mkdir -p $OUT
mvn -B -ntp -q -DskipTests -Dfuzz.skip=true package
mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=$OUT/classpath.txt > /dev/null
[ -f target/bench-models/resnet50.pt ] || /usr/bin/python3 bench/make-bench-models.py target/bench-models
java -cp "target/classes:$(cat $OUT/classpath.txt)" bench/int8/ExportParams.java \
  src/main/resources/models/demo demo $OUT/export
cp src/main/resources/models/demo/synset.txt $OUT/export/
# calibration and evaluation images: two sets of the generator, independent streams by construction
[ -d $OUT/calibration ] || java -jar target/resnet-serve.jar generate --count 256 --seed 61 --input 128 \
  --folders true --out $OUT/calibration
[ -d $OUT/evaluation ] || java -jar target/resnet-serve.jar generate --count 1000 --seed 62 --input 128 \
  --folders true --out $OUT/evaluation
/usr/bin/python3 bench/int8/quantize.py demo $OUT/export $OUT/calibration $OUT/evaluation target/bench-models \
  | tee $OUT/agreement.txt
/usr/bin/python3 bench/int8/quantize.py torchvision $OUT/calibration src/test/resources/fixtures/parity \
  target/bench-models | tee -a $OUT/agreement.txt
cp target/bench-models/resnet18.pt target/bench-models/resnet18-fp32.pt
cp target/bench-models/resnet50.pt target/bench-models/resnet50-fp32.pt
DEMO="--resnet.models.bench.preprocessing.preset=whole-image --resnet.models.bench.preprocessing.resize=128"
DEMO="$DEMO --resnet.models.bench.preprocessing.width=128 --resnet.models.bench.preprocessing.height=128"
: > $OUT/speed.txt
for round in $(seq 1 "$ROUNDS"); do
  for model in demo resnet18 resnet50; do
    options=""
    [ $model = demo ] && options=$DEMO
    for precision in fp32 int8; do
      OPTIONS=$options LOAD=${LOAD:-45} bench/threads.sh $model-$precision 1 default | grep -v "^mean" \
        | sed "s/^== round 1/== round $round/" | tee -a $OUT/speed.txt
    done
  done
done

# the same agreement in the service's engine (libtorch 2.7.1 through DJL), each model behind its own preprocessing
m=target/bench-models
model() { # name file
  echo "--resnet.models.$1.location=file:$PWD/$m/$2 --resnet.models.$1.preprocessing.preset=whole-image" \
    "--resnet.models.$1.preprocessing.resize=128 --resnet.models.$1.preprocessing.width=128" \
    "--resnet.models.$1.preprocessing.height=128"
}
java -jar target/resnet-serve.jar --server.port=18080 $(model fp32 demo-fp32.pt) $(model int8 demo-int8.pt) \
  > target/bench/server.log 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:18080/actuator/health/readiness > /dev/null && break
  sleep 1
done
/usr/bin/python3 bench/int8/agreement.py http://127.0.0.1:18080 $OUT/evaluation $OUT/export/synset.txt \
  demo fp32 int8 | tee -a $OUT/agreement.txt
kill $SERVER; wait $SERVER 2>/dev/null || true
echo "results in $OUT/agreement.txt and $OUT/speed.txt"
