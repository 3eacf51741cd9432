#!/usr/bin/env bash
# Scale-out proof (issue 11), on this machine and on loopback only:
#   PostgreSQL 15 + PostGIS (Debian's packages, a temporary cluster), two CstPortal nodes (Release, PostgreSQL
#   provider, one shared data directory for data-protection keys and evidence photos) and nginx in front
#   (deploy/nginx/cstportal.conf). Then:
#   (a) a browser journey whose citizen and agent circuits sit on different nodes and see each other's changes live;
#   (b) SLA escalation with both nodes up: every level fires exactly once (checked in the database);
#   (b2) a job cut off by SIGKILL (an SLA sweep held mid-job by a row lock) runs again on the other node, levels once;
#   (c) Open311 intake load through nginx while one node is killed with SIGKILL: every acknowledged request is stored;
#   (d) everything it started is stopped (trap on EXIT).
# Exits non-zero on any failure and prints a summary.
# Ports (override with environment variables): nodes 5105/5106, nginx 5107, PostgreSQL 55433.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port_a=${CST_PROOF_PORT_A:-5105}; port_b=${CST_PROOF_PORT_B:-5106}; port_lb=${CST_PROOF_PORT_LB:-5107}; port_pg=${CST_PROOF_PORT_PG:-55433}
work=$(mktemp -d /tmp/cst-cluster-proof.XXXXXX)
chmod 755 "$work"
results=(); failed=0
node_pid_a=""; node_pid_b=""; nginx_started=0; pg_started=0

log() { printf '\n== %s\n' "$*"; }
pass() { results+=("PASS  $1"); printf 'PASS  %s\n' "$1"; }
fail() { results+=("FAIL  $1"); printf 'FAIL  %s\n' "$1"; failed=1; }

pg_bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_cst() { psql "host=127.0.0.1 port=$port_pg user=postgres dbname=cstportal" -v ON_ERROR_STOP=1 -Atq "$@"; }

cleanup() {
  local code=$?
  set +e
  [ -n "$node_pid_a" ] && kill "$node_pid_a" 2>/dev/null
  [ -n "$node_pid_b" ] && kill "$node_pid_b" 2>/dev/null
  [ "$nginx_started" = 1 ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s quit 2>/dev/null
  for pid in $node_pid_a $node_pid_b; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  [ "$pg_started" = 1 ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1
  if [ "$failed" = 1 ] || [ "$code" != 0 ]; then
    echo "Logs kept in $work (node-a.log, node-b.log, nginx/, pg/server.log)"
  else
    rm -rf "$work"
  fi
  printf '\n==== Scale-out proof summary ====\n'
  for r in "${results[@]}"; do echo "$r"; done
  if [ "$failed" = 1 ] || [ "$code" != 0 ]; then echo "RESULT: FAILED"; exit 1; else echo "RESULT: PASSED"; fi
}
trap cleanup EXIT

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { echo "timed out after ${seconds}s waiting for $what" >&2; return 1; }
    sleep 0.5
  done
}

log "Debian packages (PostgreSQL 15, PostGIS 3, nginx, Chromium)"
bash scripts/install-cluster-deps.sh
bash scripts/install-test-deps.sh
pg_bin=/usr/lib/postgresql/15/bin

log "Build (Release)"
dotnet build CstPortal.sln -c Release --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; exit 1; }
pass "build (Release)"

log "PostgreSQL 15 in $work/pg on 127.0.0.1:$port_pg"
mkdir -p "$work/pg"; [ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
as_pg "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/pg/initdb.log" 2>&1
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port_pg -c unix_socket_directories='$work/pg' -c max_connections=300" start >/dev/null
pg_started=1
psql "host=127.0.0.1 port=$port_pg user=postgres dbname=postgres" -Atqc "CREATE DATABASE cstportal"
psql_cst -c "CREATE EXTENSION IF NOT EXISTS postgis" && pass "PostgreSQL 15 with PostGIS $(psql_cst -c 'SELECT postgis_lib_version()') on 127.0.0.1:$port_pg"
connection="Host=127.0.0.1;Port=$port_pg;Database=cstportal;Username=postgres"

mkdir -p "$work/shared" "$work/shared/evidence"
start_node() { # start_node NAME PORT -> prints the pid
  (cd "$root/CstPortal" && exec env \
    ASPNETCORE_ENVIRONMENT=Production Cst__NodeName="$1" \
    Cst__Database__Provider=PostgreSQL Cst__Database__ConnectionString="$connection" \
    Cst__DataDirectory="$work/shared" Cst__Evidence__Directory="$work/shared/evidence" \
    Cst__DemoRequestCount=600 Cst__Jobs__SlaSweep=00:00:05 Cst__Jobs__NotificationDispatch=00:00:05 Cst__Jobs__AutoAssign=00:00:10 \
    Cst__Open311__PermitsPerMinute=100000 Cst__Mail__PublicBaseUrl="http://127.0.0.1:$port_lb" \
    CitizenLimits__SubmissionsPerAddressPerHour=100000 CitizenLimits__SubmissionsPerUserPerHour=100000 \
    dotnet "$root/CstPortal/bin/Release/net10.0/CstPortal.dll" --urls "http://127.0.0.1:$2" >"$work/node-$1.log" 2>&1) &
  echo $!
}
healthy() { curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$1/healthz"; }

log "Node a on 127.0.0.1:$port_a (migrates and seeds), then node b on 127.0.0.1:$port_b"
node_pid_a=$(start_node a "$port_a")
wait_for 240 "node a" healthy "$port_a" || { tail -40 "$work/node-a.log"; fail "node a healthy"; exit 1; }
node_pid_b=$(start_node b "$port_b")
wait_for 120 "node b" healthy "$port_b" || { tail -40 "$work/node-b.log"; fail "node b healthy"; exit 1; }
checked_in() { [ "$(psql_cst -c "SELECT string_agg(instance_name, ',' ORDER BY instance_name) FROM qrtz_scheduler_state")" = "a,b" ]; }
wait_for 30 "both schedulers to check in" checked_in && pass "two nodes healthy; both schedulers (a, b) checked in to one Quartz cluster" \
  || fail "Quartz cluster members: $(psql_cst -c "SELECT string_agg(instance_name, ',') FROM qrtz_scheduler_state")"

log "nginx on 127.0.0.1:$port_lb (deploy/nginx/cstportal.conf)"
mkdir -p "$work/nginx/logs" "$work/nginx/temp"
chmod -R 777 "$work/nginx/temp"
sed -e "s/127\\\\.0\\\\.0\\\\.1:5105/127\\\\.0\\\\.0\\\\.1:$port_a/; s/127\\\\.0\\\\.0\\\\.1:5106/127\\\\.0\\\\.0\\\\.1:$port_b/" \
    -e "s/127.0.0.1:5105/127.0.0.1:$port_a/g; s/127.0.0.1:5106/127.0.0.1:$port_b/g; s/listen 127.0.0.1:5107/listen 127.0.0.1:$port_lb/" \
    deploy/nginx/cstportal.conf >"$work/nginx/cstportal.conf"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log $work/nginx/logs/access.log;
  client_body_temp_path $work/nginx/temp/body;
  proxy_temp_path $work/nginx/temp/proxy;
  fastcgi_temp_path $work/nginx/temp/fastcgi;
  uwsgi_temp_path $work/nginx/temp/uwsgi;
  scgi_temp_path $work/nginx/temp/scgi;
  include $work/nginx/cstportal.conf;
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -t >"$work/nginx/test.log" 2>&1 || { cat "$work/nginx/test.log"; fail "nginx configuration"; exit 1; }
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1
wait_for 20 "nginx" healthy "$port_lb" && pass "nginx in front of both nodes" || { fail "nginx answers"; exit 1; }
a_cookie=$(curl -fsS -D - -o /dev/null -H "Cookie: cst_node=a" "http://127.0.0.1:$port_lb/healthz" | grep -i '^set-cookie: cst_node=' | tr -d '\r')
b_cookie=$(curl -fsS -D - -o /dev/null -H "Cookie: cst_node=b" "http://127.0.0.1:$port_lb/healthz" | grep -i '^set-cookie: cst_node=' | tr -d '\r')
[[ "$a_cookie" == *"cst_node=a;"* && "$b_cookie" == *"cst_node=b;"* ]] && pass "sticky routing: cookie cst_node=a reaches node a, cst_node=b node b" \
  || fail "sticky routing (got '$a_cookie' / '$b_cookie')"

log "(a) Browser journey: citizen circuit on node a, agent circuit on node b"
if CST_CLUSTER_URL="http://127.0.0.1:$port_lb/" CST_CLUSTER_DATABASE="$connection" \
   dotnet test CstPortal.Tests/CstPortal.Tests.csproj -c Release --no-build --nologo \
     --filter "FullyQualifiedName~ClusterJourneyTests" >"$work/journey.log" 2>&1; then
  pass "(a) browser journey ($(grep -Eo 'Passed: +[0-9]+' "$work/journey.log" | head -1 | tr -s ' ') test): each side saw the other's change live across nodes"
else
  tail -60 "$work/journey.log"; fail "(a) browser journey across nodes"
fi

log "(b) SLA escalation with both nodes up"
post_request() { # post_request DESCRIPTION [extra curl args] -> prints "OK <number>" or "ERR <status>"
  local out code body
  out=$(curl -sS --max-time 30 -w '\n%{http_code}' "${@:2}" -X POST "http://127.0.0.1:$port_lb/open311/v2/requests.json" \
        --data-urlencode "api_key=riverton-demo-key" -d service_code=litterbin -d lat=40.0595 -d long=-83.0174 \
        --data-urlencode "description=$1" 2>/dev/null) || true
  code=${out##*$'\n'}; body=${out%$'\n'*}
  if [ "$code" = 200 ] || [ "$code" = 201 ]; then
    echo "OK $(sed -n 's/.*"service_request_id" *: *"\([^"]*\)".*/\1/p' <<<"$body")"
  else
    echo "ERR ${code:-none}"
  fi
}

# Ages requests (a SQL IN list of numbers) directly in the database: created 30 days ago, both targets long breached, so
# every level is due now. The sweep reads only requests whose NextEscalationAt has come, so the edit also marks them
# "look now" (2000-01-01, the app's EscalationSchedule.LookNow), as the app itself does after a rule edit.
age_overdue() {
  psql_cst -c "UPDATE \"ServiceRequests\" SET \"CreatedAt\" = \"CreatedAt\" - interval '30 days',
      \"ResponseDueAt\" = \"CreatedAt\" - interval '29 days', \"ResolutionDueAt\" = \"CreatedAt\" - interval '25 days',
      \"NextEscalationAt\" = '2000-01-01 00:00:00+00'
      WHERE \"Number\" IN ($1)"
}
# Levels an aged request fires: 2 targets x (the breach + each active rule).
levels_per_request=$(( 2 * (1 + $(psql_cst -c "SELECT count(*) FROM \"EscalationRules\" WHERE \"IsActive\"")) ))

sla_numbers=()
for i in $(seq 1 12); do
  r=$(post_request "Overflowing bin for the SLA proof $i")
  [[ "$r" == OK\ ?* ]] && sla_numbers+=("${r#OK }")
done
if [ ${#sla_numbers[@]} -ne 12 ]; then
  fail "(b) could not create the 12 SLA requests through nginx (${#sla_numbers[@]} created)"
else
  in_list=$(printf "'%s'," "${sla_numbers[@]}"); in_list=${in_list%,}
  age_overdue "$in_list"
  expected=$(( ${#sla_numbers[@]} * levels_per_request ))
  ids="SELECT \"Id\" FROM \"ServiceRequests\" WHERE \"Number\" IN ($in_list)"
  fired() { psql_cst -c "SELECT count(*) FROM \"SlaEscalations\" WHERE \"ServiceRequestId\" IN ($ids)"; }
  all_fired() { [ "$(fired)" -ge "$expected" ]; }
  if wait_for 90 "the escalations" all_fired; then
    # Let both nodes' schedulers run the sweep twice more, then count again: nothing may fire a second time.
    sweep_next() { psql_cst -c "SELECT next_fire_time FROM qrtz_triggers WHERE trigger_name = 'SlaSweepJob.trigger'"; }
    first=$(sweep_next)
    later() { [ "$(sweep_next)" -gt $((first + 5 * 10000000)) ]; }  # ticks: two more 5-second periods
    wait_for 60 "two more sweeps" later || true
    not_sent() { [ "$(psql_cst -c "SELECT count(*) FROM \"OutboxMessages\" WHERE \"RequestNumber\" IN ($in_list) AND \"SentAt\" IS NULL")" = 0 ]; }
    wait_for 60 "the notifications to be dispatched" not_sent || true
    rows=$(fired)
    dupes=$(psql_cst -c "SELECT count(*) FROM (SELECT 1 FROM \"SlaEscalations\" WHERE \"ServiceRequestId\" IN ($ids) GROUP BY \"ServiceRequestId\", \"Target\", \"Level\" HAVING count(*) > 1) d")
    audits=$(psql_cst -c "SELECT count(*) FROM \"AuditEntries\" WHERE \"EntityId\" IN ($in_list) AND \"Action\" IN ('sla.breached', 'sla.escalated')")
    messages=$(psql_cst -c "SELECT count(*) FROM \"OutboxMessages\" WHERE \"RequestNumber\" IN ($in_list)")
    unsent_or_retried=$(psql_cst -c "SELECT count(*) FROM \"OutboxMessages\" WHERE \"RequestNumber\" IN ($in_list) AND (\"SentAt\" IS NULL OR \"Attempts\" <> 1)")
    mail_ids=$(psql_cst -c "SELECT string_agg('outbox-' || \"Id\" || '@cstportal.eml', ' ') FROM \"OutboxMessages\" WHERE \"RequestNumber\" IN ($in_list) AND \"Channel\" = 'Email'")
    mails=0; for f in $mail_ids; do [ -f "$work/shared/mail/$f" ] && mails=$((mails + 1)); done
    emails=$(wc -w <<<"$mail_ids")
    echo "escalation rows $rows (expected $expected), duplicate levels $dupes, audit entries $audits, outbox messages $messages (unsent or sent more than once: $unsent_or_retried), email files $mails of $emails"
    if [ "$rows" = "$expected" ] && [ "$dupes" = 0 ] && [ "$audits" = "$expected" ] && [ "$messages" -gt 0 ] && [ "$unsent_or_retried" = 0 ] && [ "$mails" = "$emails" ]; then
      pass "(b) SLA: $rows levels on ${#sla_numbers[@]} requests fired exactly once with both nodes up ($audits audit entries, $messages notifications each dispatched once)"
    else
      fail "(b) SLA levels not fired exactly once (rows $rows/$expected, duplicates $dupes, audit $audits, notifications sent != once: $unsent_or_retried, emails $mails/$emails)"
    fi
  else
    fail "(b) SLA: only $(fired) of $expected levels fired within 90 s"
  fi
fi

log "(b2) A job cut off by SIGKILL runs again on the other node"
# One more overdue request whose row a psql session holds with FOR KEY SHARE: the aging update below may go on (it
# changes no key), but the SLA sweep's FOR UPDATE waits, so the sweep blocks mid-job on whichever node runs it. That
# node (Quartz's fired-trigger row names it) is killed with SIGKILL, then the psql session is ended. The other node must
# take the dead node's firing over (SlaSweepJob requests recovery) and the request's levels must fire exactly once.
# The killed node is then started again for (c).
r=$(post_request "Overflowing bin for the job recovery proof")
if [[ "$r" != OK\ ?* ]]; then
  fail "(b2) could not create the request for the job recovery proof ($r)"
else
  number=${r#OK }
  psql_cst -c "BEGIN; SELECT 1 FROM \"ServiceRequests\" WHERE \"Number\" = '$number' FOR KEY SHARE; SELECT pg_sleep(600); COMMIT" >/dev/null 2>&1 &
  holder_pid=$!
  holder="FROM pg_stat_activity WHERE query LIKE '%FOR KEY SHARE; SELECT pg_sleep(600)%' AND pid <> pg_backend_pid()"
  held() { [ "$(psql_cst -c "SELECT count(*) $holder AND state = 'active'")" = 1 ]; }
  release() { psql_cst -c "SELECT pg_terminate_backend(pid) $holder" >/dev/null; wait "$holder_pid" 2>/dev/null || true; }
  wait_for 10 "the row lock" held || true
  age_overdue "'$number'"
  blocked_on() { psql_cst -c "SELECT f.instance_name FROM qrtz_fired_triggers f WHERE f.trigger_name = 'SlaSweepJob.trigger' AND f.state = 'EXECUTING'
      AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock' AND a.query LIKE '%FOR UPDATE%')"; }
  sweep_blocked() { [ -n "$(blocked_on)" ]; }
  if wait_for 30 "a sweep blocked on the locked request" sweep_blocked; then
    victim=$(blocked_on)
    if [ "$victim" = a ]; then victim_pid=$node_pid_a; survivor=b; else victim_pid=$node_pid_b; survivor=a; fi
    kill -9 "$victim_pid"
    if [ "$victim" = a ]; then node_pid_a=""; else node_pid_b=""; fi
    release
    echo "node $victim killed with SIGKILL while its SLA sweep waited on the locked request; node $survivor must recover the firing"
    ids_b2="SELECT \"Id\" FROM \"ServiceRequests\" WHERE \"Number\" = '$number'"
    expected_b2=$levels_per_request
    recovered() { grep -q "running again a firing that was cut off on another node" "$work/node-$survivor.log" \
      && [ "$(psql_cst -c "SELECT count(*) FROM \"SlaEscalations\" WHERE \"ServiceRequestId\" IN ($ids_b2)")" -ge "$expected_b2" ]; }
    if wait_for 90 "node $survivor to run the cut-off sweep again" recovered; then
      rows_b2=$(psql_cst -c "SELECT count(*) FROM \"SlaEscalations\" WHERE \"ServiceRequestId\" IN ($ids_b2)")
      dupes_b2=$(psql_cst -c "SELECT count(*) FROM (SELECT 1 FROM \"SlaEscalations\" WHERE \"ServiceRequestId\" IN ($ids_b2) GROUP BY \"Target\", \"Level\" HAVING count(*) > 1) d")
      if [ "$rows_b2" = "$expected_b2" ] && [ "$dupes_b2" = 0 ]; then
        pass "(b2) a sweep cut off by SIGKILL on node $victim ran again on node $survivor (Quartz recovery); $rows_b2 levels fired exactly once"
      else
        fail "(b2) after recovery: $rows_b2 levels (expected $expected_b2), $dupes_b2 repeated"
      fi
    else
      grep -i "clustermanager\|recover" "$work/node-$survivor.log" | tail -5
      fail "(b2) node $survivor did not run the cut-off sweep again within 90 s"
    fi
    # Start the killed node again (same name and port) so (c) has two nodes.
    mv "$work/node-$victim.log" "$work/node-$victim-before-kill.log"
    if [ "$victim" = a ]; then node_pid_a=$(start_node a "$port_a"); victim_port=$port_a; else node_pid_b=$(start_node b "$port_b"); victim_port=$port_b; fi
    wait_for 120 "node $victim again" healthy "$victim_port" && wait_for 30 "both schedulers to check in" checked_in \
      || { fail "(b2) node $victim did not come back"; exit 1; }
  else
    release
    fail "(b2) no SLA sweep blocked on the locked request within 30 s"
  fi
fi

log "(c) Open311 intake load through nginx; node b is killed with SIGKILL halfway"
intake_worker() { # intake_worker N COUNT: posts COUNT reports through nginx, one line per answer
  for i in $(seq 1 "$2"); do post_request "Intake load worker $1 report $i"; done >"$work/intake-$1.txt"
}
acknowledged() { cat "$work"/intake-*.txt 2>/dev/null | grep -c '^OK ' || true; }
workers=4; per_worker=60
for w in $(seq 1 $workers); do intake_worker "$w" "$per_worker" & done
half_way() { [ "$(acknowledged)" -ge $((workers * per_worker / 3)) ]; }
wait_for 120 "a third of the intake" half_way || true
kill -9 "$node_pid_b" && killed_at=$(acknowledged)
echo "node b killed with SIGKILL after $killed_at acknowledged reports"
wait
total=$(acknowledged); errors=$(cat "$work"/intake-*.txt | grep -c '^ERR' || true)
node_pid_b=""
grep -h '^OK ' "$work"/intake-*.txt | cut -d' ' -f2 | sort -u >"$work/acknowledged.txt"
psql_cst -c "SELECT \"Number\" FROM \"ServiceRequests\" WHERE \"Description\" LIKE 'Intake load worker %'" | sort -u >"$work/stored.txt"
lost=$(comm -23 "$work/acknowledged.txt" "$work/stored.txt" | wc -l)
echo "acknowledged $total, failed answers $errors, acknowledged but not stored: $lost"
if [ "$lost" = 0 ] && [ "$total" -gt "$killed_at" ] && [ "$(wc -l <"$work/acknowledged.txt")" = "$total" ]; then
  pass "(c) intake under SIGKILL: $total reports acknowledged ($((total - killed_at)) after the kill, $errors refused in flight), none lost"
else
  fail "(c) intake under SIGKILL: $lost acknowledged reports missing, $total acknowledged ($killed_at before the kill)"
fi
# The survivor takes over the dead node's place in the Quartz cluster (its firings are recovered).
b_gone() { [ "$(psql_cst -c "SELECT count(*) FROM qrtz_scheduler_state WHERE instance_name = 'b'")" = 0 ]; }
if wait_for 60 "the Quartz cluster to drop the dead node" b_gone; then
  pass "(c) Quartz: node a recovered the killed node's scheduler state within 60 s"
else
  fail "(c) Quartz: the killed node is still checked in after 60 s"
fi
healthy "$port_lb" && pass "(c) nginx still serves through the surviving node" || fail "(c) nginx no longer answers after node b died"

exit "$failed"
