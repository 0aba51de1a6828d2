#!/usr/bin/env bash
# Starts the whole stack with `npm start` on spare ports and a throwaway data dir, then runs
# ../shared/contract-check against its gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
export GATEWAY_PORT=14000 BROKER_PORT=19092 DATA_DIR="$data" LOG_LEVEL=warn
# Its own session and process group, so cleanup reaches npm, start.ts and every part it forked.
setsid npm start >"$data/start.log" 2>&1 &
pid=$!
cleanup() {
  # SIGTERM, not SIGINT: a non-interactive shell starts background jobs with SIGINT ignored.
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 10); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 180); do
  grep -q "Tributary is running" "$data/start.log" && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$data/start.log"; echo "npm start exited early"; exit 1; fi
  sleep 1
done
cat "$data/start.log" | tail -30
../shared/contract-check "http://localhost:$GATEWAY_PORT/graphql"

# A newcomer's first requests: the README's curl, and Sandbox's landing page at /graphql.
products=$(curl -sf "http://localhost:$GATEWAY_PORT/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ products(perPage: 3) { items { name priceCents stock inStock } pageInfo { totalItems } } }"}')
echo "$products"
echo "$products" | grep -q '"totalItems":[1-9]' || { echo "the README's products query returned no seeded products"; exit 1; }
curl -sf -H 'accept: text/html' "http://localhost:$GATEWAY_PORT/graphql" | grep -qi "sandbox" \
  || { echo "Apollo Sandbox landing page not served at /graphql"; exit 1; }
echo "README quick start checks pass"
