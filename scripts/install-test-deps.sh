#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: Linux perf (for the perf
# collector and mixed JS/native stacks) and openssl. Idempotent; needs root (or sudo) for apt-get.
set -euo pipefail

need=()
command -v perf >/dev/null 2>&1 && perf --version >/dev/null 2>&1 || need+=(linux-perf)
# openssl makes the throwaway certificate of the HTTP/2 load test.
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-test-deps: installing ${need[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "install-test-deps: perf $(perf --version 2>/dev/null | awk '{print $3}'), node $(node --version)" >&2
