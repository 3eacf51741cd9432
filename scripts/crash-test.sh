#!/usr/bin/env bash
# Crash test (issue 9): Open311 submissions with an Idempotency-Key while the app is killed with SIGKILL.
#
#   bash scripts/crash-test.sh [--no-build]
#
# Starts the Release app on 127.0.0.1 with a new data directory (a small demo city), sends a load of Open311 POSTs
# from parallel curl clients, each with its own Idempotency-Key, kills the app with SIGKILL in the middle of the
# load, starts it again on the same data directory, retries every key (twice), and checks:
#   - every submission that got an answer before the kill is in the database exactly once, under the same number;
#   - retried keys create nothing new: each key has one submission row and one request, no request lacks its key;
#   - the audit chain verifies (`CstPortal.dll verify-audit`).
# Exit code 0 when all hold, 1 otherwise. Settings: CRASH_PORT (5199), CRASH_POSTS (240), CRASH_WORKERS (6),
# CRASH_KILL_AFTER (answers before the kill, 60). Needs curl and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${CRASH_PORT:-5199}
posts=${CRASH_POSTS:-240}
workers=${CRASH_WORKERS:-6}
kill_after=${CRASH_KILL_AFTER:-60}
base="http://127.0.0.1:$port"
lat=40.04 lng=-83.0

[ "${1:-}" = "--no-build" ] || dotnet build CstPortal/CstPortal.csproj -c Release --nologo -v quiet >/dev/null
app_dir="$root/CstPortal/bin/Release/net10.0"
[ -f "$app_dir/CstPortal.dll" ] || { echo "crash-test: no Release build at $app_dir"; exit 1; }

work=$(mktemp -d)
data="$work/data"
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill -9 "$app_pid" 2>/dev/null || true; }
trap cleanup EXIT

app_env=(ASPNETCORE_ENVIRONMENT=Production "Cst__DataDirectory=$data" Cst__DemoRequestCount=200
  Cst__Open311__PermitsPerMinute=1000000 Logging__LogLevel__Default=Warning)

start_app() {
  (cd "$app_dir" && exec env "${app_env[@]}" "ASPNETCORE_URLS=$base" dotnet CstPortal.dll) >>"$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$base/healthz" && return 0
    kill -0 "$app_pid" 2>/dev/null || { echo "crash-test: the app stopped while starting"; tail -20 "$work/app.log"; exit 1; }
    sleep 0.5
  done
  echo "crash-test: the app did not become healthy"; tail -20 "$work/app.log"; exit 1
}

# One POST: prints "key status id" (status 000 when there was no answer).
post() {
  local key=$1 n=$2 status id
  status=$(curl -s -m 30 -o "$work/resp.$key" -w '%{http_code}' -H "Idempotency-Key: $key" \
    --data-urlencode "api_key=riverton-demo-key" --data-urlencode "service_code=pothole" \
    --data-urlencode "lat=$lat" --data-urlencode "long=$lng" --data-urlencode "attribute[size]=small" \
    --data-urlencode "description=Crash test pothole number $n" "$base/open311/v2/requests.json" 2>/dev/null) || status=000
  id=$(grep -o '"service_request_id":"[^"]*"' "$work/resp.$key" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
  echo "$key $status ${id:--}"
}

sql() { sqlite3 -readonly "$data/cstportal.db" "$1"; }

echo "crash-test: starting the app on $base (data in $data)"
start_app
requests_before=$(sql "select count(*) from ServiceRequests;")

echo "crash-test: $posts posts from $workers clients; SIGKILL after $kill_after answers"
for w in $(seq 1 "$workers"); do
  (
    for i in $(seq "$w" "$workers" "$posts"); do post "crash-$i" "$i" >>"$work/first.$w"; done
  ) &
done
while [ "$(cat "$work"/first.* 2>/dev/null | awk '$2 ~ /^2/' | wc -l)" -lt "$kill_after" ]; do sleep 0.05; done
kill -9 "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
wait # the clients finish, without answers from here on
cat "$work"/first.* | sort >"$work/first"
answered=$(awk '$2 ~ /^2/' "$work/first" | wc -l)
unanswered=$(awk '$2 == "000"' "$work/first" | wc -l)
echo "crash-test: killed with $answered answered and $unanswered without an answer"

start_app
echo "crash-test: restarted; retrying every key twice"
for i in $(seq 1 "$posts"); do post "crash-$i" "$i"; done | sort >"$work/second"
for i in $(seq 1 "$posts"); do post "crash-$i" "$i"; done | sort >"$work/third"
kill -TERM "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ "$answered" -ge 1 ] && [ "$unanswered" -ge 1 ] || fail "the kill did not land in the middle of the load ($answered answered, $unanswered not)"

# Every answered submission: the retry answers the same number, and it is in the database exactly once.
while read -r key status id; do
  case "$status" in 2*) ;; *) continue ;; esac
  again=$(awk -v k="$key" '$1 == k { print $3 }' "$work/second")
  [ "$again" = "$id" ] || fail "$key was answered $id before the kill but $again after it"
  rows=$(sql "select count(*) from Open311Submissions where IdempotencyKey = '$key' and RequestNumber = '$id';")
  requests=$(sql "select count(*) from ServiceRequests where Number = '$id';")
  [ "$rows" = 1 ] && [ "$requests" = 1 ] || fail "$key ($id): $rows submission rows, $requests requests"
done <"$work/first"

# Retrying creates nothing new: the second and third rounds answer alike, one row per key, no request without its key.
diff -q <(cut -d' ' -f1,3 "$work/second") <(cut -d' ' -f1,3 "$work/third") >/dev/null || fail "a second retry answered differently"
dup_keys=$(sql "select count(*) from (select IdempotencyKey from Open311Submissions where IdempotencyKey like 'crash-%' group by IdempotencyKey having count(*) > 1);")
[ "$dup_keys" = 0 ] || fail "$dup_keys keys have more than one submission row"
linked=$(sql "select count(distinct RequestNumber) from Open311Submissions where IdempotencyKey like 'crash-%' and RequestNumber is not null;")
created=$(sql "select count(*) from ServiceRequests where Description like 'Crash test pothole number %';")
distinct=$(sql "select count(distinct Description) from ServiceRequests where Description like 'Crash test pothole number %';")
requests_after=$(sql "select count(*) from ServiceRequests;")
[ "$created" = "$linked" ] || fail "$created crash-test requests but $linked linked to a key (a request without its key, or a key without its request)"
[ "$created" = "$distinct" ] || fail "$created crash-test requests for $distinct distinct posts: a post was stored twice"
[ $((requests_after - requests_before)) = "$created" ] || fail "the request count rose by $((requests_after - requests_before)), not $created"
pending=$(awk '$3 == "-"' "$work/second" | wc -l)

(cd "$app_dir" && env "${app_env[@]}" dotnet CstPortal.dll verify-audit) || fail "the audit chain does not verify"

echo "crash-test: $answered answered before the kill, $created requests in all, $pending keys still held by a claim the kill interrupted"
if [ "$failures" -gt 0 ]; then echo "crash-test: FAILED ($failures)"; exit 1; fi
rm -rf "$work"
echo "crash-test: passed"
