#!/usr/bin/env bash
# `npm start`: services, migrations, seed data, then the API and the workers in the foreground.
# Ctrl-C or SIGTERM stops every process it started.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "$0")/bootstrap.sh"

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/streamplane}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

# A development AUTH_SECRET and credentials keyring, generated once and kept out of git
# (.streamplane/ is gitignored). Variables already set in the environment win.
secrets_file=.streamplane/dev-secrets.env
random_bytes() { # count, encoding (hex | base64)
  openssl rand "-$2" "$1" 2>/dev/null ||
    node -e "process.stdout.write(require('node:crypto').randomBytes($1).toString('$2'))"
}
if [[ ! -f $secrets_file ]]; then
  mkdir -p .streamplane
  (umask 077 && printf 'AUTH_SECRET=%s\n' "$(random_bytes 32 hex)" >"$secrets_file")
  log "Generated a development AUTH_SECRET in $secrets_file"
fi
if ! grep -q '^CREDENTIALS_ENCRYPTION_KEYS=' "$secrets_file"; then
  printf 'CREDENTIALS_ENCRYPTION_KEYS=dev-%s:%s\n' "$(date +%Y%m%d)" "$(random_bytes 32 base64)" >>"$secrets_file"
  log "Generated a development CREDENTIALS_ENCRYPTION_KEYS in $secrets_file"
fi
while IFS= read -r line; do
  name=${line%%=*}
  if [[ -n $name && -z ${!name:-} ]]; then export "$line"; fi
done <"$secrets_file"

npm run --silent db:migrate

# Development seed data (idempotent): the first of these that exists.
seed=''
for candidate in scripts/seed.ts apps/api/src/cli/seed-demo.ts; do
  if [[ -f $candidate ]]; then
    seed=$candidate
    break
  fi
done
if [[ -n $seed ]]; then
  log "Seeding development data ($seed)"
  node -r @swc-node/register "$seed"
else
  log "No seed script (scripts/seed.ts) yet; skipping seed data"
fi

# The dashboard (apps/web), built into apps/web/dist and served by the api on its own origin.
log "Building the dashboard (apps/web)"
npm run --silent web:build

# --- Process supervision: start each long-running process in the background; when any of them
# exits, or on Ctrl-C / SIGTERM, stop all of them and exit.
pids=()
declare -A names=()

start_process() { # name, command...
  local name=$1
  shift
  "$@" &
  pids+=("$!")
  names[$!]=$name
  log "Started $name (pid $!): $*"
}

stop_all() {
  trap - INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Give them 10 seconds to shut down cleanly (close connections, finish requests), then insist.
  for _ in {1..100}; do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null && log "Killed ${names[$pid]} (pid $pid): it did not stop within 10s"
  done
  wait 2>/dev/null || true
}

trap 'log "Stopping (SIGINT)"; stop_all; exit 130' INT
trap 'log "Stopping (SIGTERM)"; stop_all; exit 143' TERM

start_process api node -r @swc-node/register apps/api/src/main.ts
start_process provisioner env -u PORT node -r @swc-node/register apps/provisioner/src/main.ts
start_process billing env -u PORT node -r @swc-node/register apps/billing/src/main.ts
# Deployments on the local engine have no cluster, hence no agent: a simulated one (the real agent over a
# simulated data plane) sends made-up heartbeats, pipeline checkpoints, replication health and usage for them,
# so pipelines, links, usage and the draft invoice move. Never under the real (pulumi) engine.
if [[ ${CLOUD_ENGINE:-local} == local ]]; then
  start_process agent-simulator node -r @swc-node/register apps/agent/src/main.ts --simulate
fi

log "Dashboard: ${PUBLIC_URL:-http://localhost:${PORT:-3000}} (sign in with the demo account above, or sign up)"

status=0
exited=''
wait -n -p exited "${pids[@]}" || status=$?
log "${names[$exited]:-A process} exited (status $status); stopping the others"
stop_all
exit "$status"
