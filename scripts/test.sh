#!/usr/bin/env bash
# `npm test`: lint, typecheck, unit tests, integration tests — in that order, stopping at the first failure.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "$0")/bootstrap.sh"
export NX_DAEMON=false NX_NO_CLOUD=true

elapsed() { awk -v start="$1" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", now - start }'; }

run_step() {
  local name=$1 start=$EPOCHREALTIME
  shift
  log "== $name: $*"
  if "$@"; then
    log "== $name passed in $(elapsed "$start")"
  else
    local status=$?
    log "== $name FAILED (exit $status) after $(elapsed "$start")"
    exit "$status"
  fi
}

total_start=$EPOCHREALTIME
run_step lint npx nx run workspace:lint --outputStyle=static --skip-nx-cache
run_step format npx prettier --check .
run_step typecheck npx nx run workspace:typecheck --outputStyle=static --skip-nx-cache
run_step unit-tests npx nx run workspace:test --outputStyle=static --skip-nx-cache
run_step integration-tests npx nx run workspace:test-int --outputStyle=static --skip-nx-cache
log "All checks passed in $(elapsed "$total_start")"
