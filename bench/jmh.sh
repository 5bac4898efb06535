#!/usr/bin/env bash
# JMH: decode + preprocess of a 640x480 JPEG on one core (PreprocessingBenchmark). Results: target/bench/jmh.txt
#   bench/jmh.sh [extra JMH options]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
mkdir -p target/bench
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main \
  PreprocessingBenchmark "$@" | tee target/bench/jmh.txt
