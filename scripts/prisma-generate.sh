#!/usr/bin/env bash
# Generates the Prisma client. The prisma CLI insists on a schema-engine binary it would download
# (unreachable here); generate/validate/format only use WebAssembly, so any executable satisfies it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/true}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
npx --no-install prisma "${@:-generate}"
