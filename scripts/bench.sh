#!/usr/bin/env bash
# `npm run bench -- [--deployments N]`: orders N deployments (default 500) through GraphQL against an
# in-process api and provisioner (local engine, zero latency) and prints their throughput and latencies
# beside those of empty BullMQ jobs and bare Redis pub/sub measured in the same run. See bench/.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "$0")/bootstrap.sh"

node -r @swc-node/register bench/deployments.bench.ts "$@"
