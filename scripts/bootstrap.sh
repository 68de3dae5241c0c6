#!/usr/bin/env bash
# Sourced by scripts/start.sh and scripts/test.sh: dependencies, the pinned Node, services, Prisma client.
# Leaves the caller in the repository root with node_modules/.bin first on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[streamplane] %s\n' "$*"; }

# npm rewrites node_modules/.package-lock.json on every install, so it dates the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# The `node` devDependency ships the Node version this project pins (package.json engines, .nvmrc).
export PATH="$PWD/node_modules/.bin:$PATH"
log "Node $(node --version) ($(command -v node))"

bash scripts/services.sh

if [[ ! -f libs/db/src/generated/prisma/client.ts || prisma/schema.prisma -nt libs/db/src/generated/prisma/client.ts ]]; then
  log "Generating the Prisma client"
  bash scripts/prisma-generate.sh
fi
