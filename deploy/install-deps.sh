#!/usr/bin/env bash
# Installs every Debian 12 package akhbar needs to build, test and run locally.
# Idempotent: packages already present are skipped, so the make targets can call it freely.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev grpc-proto
  libpqxx-dev libpq-dev libhiredis-dev prometheus-cpp-dev libboost-dev
  libstemmer-dev libxapian-dev libssl-dev zlib1g-dev libjemalloc-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  postgresql postgresql-contrib redis-server redis-tools
  chromium             # tests/node: the browser test (headless)
  wrk nginx-light      # make bench: the HTTP load tool and the static-file reference
  jq gnuplot-nox       # make bench: the results file and its chart
  prometheus           # promtool: the alert rules' tests and the metrics lint
  clang libclang-rt-14-dev  # make fuzz: clang 14 and its runtimes (libFuzzer, ASan, UBSan)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# Node.js and npm run tests/node (the browser test, the OpenAPI lint, the
# Kubernetes manifests' validation). A machine with another Node.js build
# (one that bundles npm) keeps it: Debian's npm package would conflict with it.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# kubectl renders the Kubernetes overlays in the tests (any recent one will do).
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# tests/node's packages (the browser test's driver, the OpenAPI linter), exactly
# as package-lock.json says; again whenever the lock file changes.
install_node_packages() {
  local dir=$ROOT/tests/node
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in tests/node"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  install_node_packages
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo $0) to install them" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts the packaged servers on their default ports; akhbar runs its own private
# instances, so the system ones are stopped to keep the machine quiet (harmless if absent).
for svc in postgresql redis-server nginx prometheus; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done

install_node_packages
