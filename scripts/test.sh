#!/usr/bin/env bash
# The test command (README, "Tests"): sets up what the tests need on a fresh Debian machine, then runs every test.
#   - promtool and prometheus (Debian's prometheus package): MetricsTest, MonitoringTest
#   - chromium and chromium-driver (Debian's): WebPageTest drives the page in headless Chromium
#   - libturbojpeg0 (Debian's libjpeg-turbo): TurboJpegTest and the parity tests decode JPEG through it
#   - python3-grpcio and python3-grpc-tools (Debian's): GrpcInferenceTest runs a Python gRPC client
#   - python3-torch and python3-torchvision (Debian's): FineTuneTorchScriptTest exports a torchvision ResNet with
#     scripts/export-torchvision.py (45 MB, too large to commit as a fixture)
#   - dockerd, docker-compose and the local base images (scripts/local-docker.sh): the container tests (*IT)
# Extra arguments go to Maven, e.g. scripts/test.sh -Dit.test=ContainerImageIT
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || packages+=(prometheus)
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -x /usr/bin/chromedriver ] || packages+=(chromium-driver)
ldconfig -p | grep -q 'libturbojpeg\.so\.0' || packages+=(libturbojpeg0)
/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null || packages+=(python3-grpcio python3-grpc-tools)
/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null || packages+=(python3-torch python3-torchvision)
if ((${#packages[@]})); then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
fi
scripts/local-docker.sh

mvn -B -ntp verify "$@"
