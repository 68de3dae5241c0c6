#!/usr/bin/env bash
# `npm test`: lint, typecheck, unit tests, integration tests, browser journeys — in that order, stopping at the
# first failure.
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
# The dashboard's typed GraphQL documents: lint and typecheck read them.
run_step web-codegen npm run --silent web:codegen
run_step lint npx nx run workspace:lint --outputStyle=static --skip-nx-cache
run_step format npx prettier --check .
run_step typecheck npx nx run workspace:typecheck --outputStyle=static --skip-nx-cache
run_step web-typecheck npx tsc -p apps/web/tsconfig.json
run_step unit-tests npx nx run workspace:test --outputStyle=static --skip-nx-cache
run_step web-unit-tests npm run --silent web:test
run_step integration-tests npx nx run workspace:test-int --outputStyle=static --skip-nx-cache
# Browser journeys (e2e/): builds the dashboard, starts the whole system on free ports, drives Chromium.
run_step chromium bash e2e/ensure-chromium.sh
run_step browser-journeys npm run --silent e2e
log "All checks passed in $(elapsed "$total_start")"
