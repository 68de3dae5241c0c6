#!/usr/bin/env bash
# `npm run bench -- [--deployments N]`: orders N deployments (default 500) through GraphQL against an
# in-process api and provisioner (local engine, zero latency) and prints their throughput and latencies
# beside those of empty BullMQ jobs and bare Redis pub/sub measured in the same run.
# `npm run bench -- ingest [--clients 4] [--batch 1000] [--seconds 30] …`: usage ingest into one api process,
# beside a plain multi-row INSERT of the same rows measured in the same run.
# `npm run bench -- rollup [--events N] [--deployments N] [--quick] …`: a month of usage events rolled up
# hourly and invoiced by the billing worker's services, beside bare GROUP BY ceilings from the same run.
# See bench/.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "$0")/bootstrap.sh"

if [[ ${1:-} == ingest ]]; then
  shift
  exec node -r @swc-node/register bench/ingest.bench.ts "$@"
fi
if [[ ${1:-} == rollup ]]; then
  shift
  exec node -r @swc-node/register bench/rollup.bench.ts "$@"
fi
node -r @swc-node/register bench/deployments.bench.ts "$@"
