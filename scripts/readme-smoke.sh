#!/usr/bin/env bash
# Runs the "Running without Docker" section of README.md exactly as written (its ```bash blocks, in
# order) against the compiled dist, then checks that the forward the README promises arrived.
# MongoDB is MONGO_URL when set, else the in-repo stand-in; Redis is a redis-server started here. The
# README's own defaults are only overridden through the variables it reads (MONGO_URL, REDIS_URL).
# Needs ports 3000, 3001 and 9999 free (the README's ports). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
script="$work/readme-section.sh"
log="$work/output.log"

for port in 3000 3001 9999; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "readme-smoke: port $port is in use; the README's commands need it free" >&2
    exit 1
  fi
done

# The section's bash blocks, in order.
awk '
  /^## Running without Docker/ { inside = 1; next }
  inside && /^## / { inside = 0 }
  inside && /^```bash$/ { block = 1; next }
  inside && block && /^```$/ { block = 0; next }
  inside && block { print }
' README.md > "$script"
if [ ! -s "$script" ]; then
  echo "readme-smoke: no bash blocks found under '## Running without Docker' in README.md" >&2
  exit 1
fi

redis_port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
redis-server --port "$redis_port" --save '' --appendonly no --daemonize yes --dir "$work" \
  --maxmemory-policy noeviction --pidfile "$work/redis.pid" > /dev/null
standin_pid=""
cleanup() {
  status=$?
  [ -n "${group:-}" ] && kill -TERM -- "-$group" 2> /dev/null || true
  sleep 1
  [ -n "${group:-}" ] && kill -KILL -- "-$group" 2> /dev/null || true
  [ -n "$standin_pid" ] && kill "$standin_pid" 2> /dev/null || true
  redis-cli -p "$redis_port" shutdown nosave > /dev/null 2>&1 || true
  rm -f "$root/gateway.log" "$root/worker.log" "$root/partner.log"
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

export REDIS_URL="redis://127.0.0.1:$redis_port"
if [ -z "${MONGO_URL:-}" ]; then
  node -r ts-node/register/transpile-only test/mongo-standin/main.ts --port 0 > "$work/standin.log" 2>&1 &
  standin_pid=$!
  for _ in $(seq 1 120); do grep -q 'listening on' "$work/standin.log" && break; sleep 0.5; done
  if ! grep -q 'listening on' "$work/standin.log"; then
    echo "readme-smoke: the MongoDB stand-in did not start:" >&2
    cat "$work/standin.log" >&2
    exit 1
  fi
  MONGO_URL="$(grep -o 'mongodb://[^ ]*' "$work/standin.log")/ricochet-readme"
  export MONGO_URL
  echo "readme-smoke: MongoDB is the in-repo stand-in ($MONGO_URL); Redis $REDIS_URL"
fi

echo "readme-smoke: running $(wc -l < "$script") lines of README.md"
setsid bash -euo pipefail "$script" > "$log" 2>&1 &
group=$!
if ! timeout 600 tail --pid="$group" -f /dev/null; then
  echo "readme-smoke: the README's commands did not finish within 600 s" >&2
fi
wait "$group" && rc=0 || rc=$?
tail -n 20 "$log"
expected='forwarded: GET /pb?visitor=visitor-42&payout=12.50&status=approved'
if [ "$rc" -ne 0 ] || ! grep -qF "$expected" "$log"; then
  echo "readme-smoke: FAILED (exit $rc); expected the line: $expected" >&2
  for f in gateway.log worker.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }; done
  exit 1
fi
echo "readme-smoke: OK — the README's commands relayed a conversion end to end"
