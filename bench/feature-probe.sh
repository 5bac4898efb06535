#!/usr/bin/env bash
# Would other features of the demo, another head or the mean over each test image's 8 views do better on the four
# new shapes? (FeatureProbe; docs/transfer-learning.md, "Would other features or another head do better?").
# Results: target/bench/feature-probe.txt. About 4 minutes.
#   bench/feature-probe.sh [model location, default classpath:models/demo]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt -Dfuzz.skip=true
mkdir -p target/bench
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.resnetserve.model.train.FeatureProbe "$@" | grep -v '^[0-9:.]* \[' | tee target/bench/feature-probe.txt
