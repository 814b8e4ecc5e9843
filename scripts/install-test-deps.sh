#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: Linux perf (for the perf
# collector and mixed JS/native stacks), openssl, the PostgreSQL server and Chromium (the RUM
# end-to-end tests drive the system browser through playwright-core; no browser download). Idempotent; needs
# root (or sudo) for apt-get.
set -euo pipefail

need=()
command -v perf >/dev/null 2>&1 && perf --version >/dev/null 2>&1 || need+=(linux-perf)
# openssl makes the throwaway certificate of the HTTP/2 load test.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# PostgreSQL server binaries for the history-store tests (src/test-helpers/postgres.ts starts a
# throwaway server). Debian keeps initdb off PATH, in /usr/lib/postgresql/<version>/bin.
pg_initdb() {
  command -v initdb 2>/dev/null && return 0
  local bindir
  bindir="$(pg_config --bindir 2>/dev/null || true)"
  [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && { echo "$bindir/initdb"; return 0; }
  ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 | grep . && return 0
  return 1
}
pg_initdb >/dev/null || need+=(postgresql)
# unshare and prlimit confine run_script's sandbox (an empty network namespace, memory limits).
command -v unshare >/dev/null 2>&1 && command -v prlimit >/dev/null 2>&1 || need+=(util-linux)
# Debian's Chromium, driven by playwright-core (PERFSCOPE_CHROMIUM overrides the path).
[ -x "${PERFSCOPE_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-test-deps: installing ${need[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "install-test-deps: perf $(perf --version 2>/dev/null | awk '{print $3}'), postgres $("$(pg_initdb)" --version 2>/dev/null | awk '{print $3}'), $("${PERFSCOPE_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | tail -n 1 | awk '{print $1, $2}'), node $(node --version)" >&2
