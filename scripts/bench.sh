#!/usr/bin/env bash
# `npm run bench`: every benchmark in bench/, one after the other, then one summary table (figure, the ceiling
# measured in the same run, ratio), also written as JSON to bench/results/latest.json. See bench/run.ts.
#   npm run bench -- --quick                        every benchmark at its small size
#   npm run bench -- ingest [--seconds 30 …]        one benchmark with its own options (`-- ingest --help`)
# The benchmarks: deployments (N orders → RUNNING through GraphQL, beside empty BullMQ jobs and bare pub/sub),
# ingest (usage events into one api process, beside a plain INSERT), rollup (a month of usage rolled up and
# invoiced, beside bare GROUP BYs), graphql (the dashboard's overview query from concurrent clients, beside
# `{ __typename }` on the same process).
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "$0")/bootstrap.sh"

exec node -r @swc-node/register bench/run.ts "$@"
