#!/usr/bin/env bash
# Benchmarks the demo server with the shared SSE load generator and, optionally, the peers in the same run.
#   bench/run.sh [SCENARIO...]          scenarios of the harness: stream1 stream8 fanout1k fanout5k idle5k
#                                       fanout1k-50 fanout5k-10 (default: stream1 stream8)
#   PEERS="jersey-sink grizzly-raw spring-webflux better-sse" bench/run.sh stream1   also runs the peers
# Every scenario gets a fresh demo JVM, as every peer does, with the harness's JVM flags (PEER_JAVA_OPTS, -Xmx1g):
# a JVM that already ran another scenario has a grown heap and a warm JIT, and its figures do not compare.
# The harness lives in ../shared/bench (override with SSE_BENCH=/path); build it once with `$SSE_BENCH/run.sh build`.
# Result lines go to bench/results/run-<time>.txt, then a table per scenario (again: bench/run.sh --summary FILE).
#   bench/run.sh --charts FILE [DIR]    SVG bar charts of a result file, one per scenario and measure, into DIR
#                                       (default docs/charts); CHARTS=1 bench/run.sh ... draws them after a run
set -euo pipefail
cd "$(dirname "$0")/.."
PID=""

stop_demo() {
  [ -n "$PID" ] || return 0
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}
trap stop_demo EXIT

start_demo() { # SCENARIO -> PID, BASE
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" dev.ssejaxrs.demo.DemoServer --port "$port" > "target/bench-server-$1.log" 2>&1 &
  PID=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$BASE/bench/stream?n=1&size=1" && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "the demo server did not start, see target/bench-server-$1.log" >&2
  exit 1
}

summary() { # RESULTS_FILE -> one table per scenario, a row per server (the last line per server and scenario wins)
  awk '
  function kb(b) { return sprintf("%.1f KB", b / 1000) }
  /^peer=/ {
    delete kv
    for (i = 1; i <= NF; i++) { eq = index($i, "="); if (eq) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
    s = kv["scenario"]; p = kv["peer"]
    if (!(s in seen)) { seen[s] = 1; order[++ns] = s }
    if (!((s, p) in row)) { n[s]++; peers[s, n[s]] = p }
    if (kv["mode"] == "failed") row[s, p] = "failed"
    else if (s ~ /^stream/) row[s, p] = kv["events_per_s"] " ev/s (rounds " kv["eps_rounds"] ") | server CPU " kv["server_cpu_s"] " s"
    else if (s ~ /^fanout/) row[s, p] = kv["delivered"] "/" kv["expected"] " dups " kv["dups"] " | " kv["events_per_s"] " ev/s at " kv["pub_rate"] " msg/s | p50 " kv["p50_ms"] " / p99 " kv["p99_ms"] " ms | server CPU " kv["server_cpu_s"] " s"
    else if (s ~ /^idle/) row[s, p] = kv["connected"] "/" kv["conns"] " | RSS " kb(kv["bytes_per_conn"]) " | live heap " kb(kv["live_heap_bytes_per_conn"]) " per connection"
  }
  END {
    for (i = 1; i <= ns; i++) {
      s = order[i]; print ""; print "| " s " | result |"; print "|---|---|"
      for (j = 1; j <= n[s]; j++) print "| " peers[s, j] " | " row[s, peers[s, j]] " |"
    }
  }' "$1"
}

charts() { # RESULTS_FILE DIR -> DIR/<scenario>-<measure>.svg, a bar per server; fails when the file has no result lines
  mkdir -p "$2"
  awk -v dir="$2" '
  function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
  function num(v) { return v ~ /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
  function label(m) {
    if (m == "events_per_s") return "events per second (higher is better)"
    if (m == "p50_ms") return "p50 latency, ms (lower is better)"
    if (m == "p99_ms") return "p99 latency, ms (lower is better)"
    if (m == "server_cpu_s") return "server CPU, s (lower is better)"
    if (m == "bytes_per_conn") return "RSS per connection, bytes (lower is better)"
    if (m == "live_heap_bytes_per_conn") return "live heap per connection, bytes (lower is better)"
    return m
  }
  /^#/ { run[++nrun] = substr($0, 3); next }
  /^peer=/ {
    delete kv
    for (i = 1; i <= NF; i++) { eq = index($i, "="); if (eq) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
    if (kv["mode"] == "failed") next
    s = kv["scenario"]; p = kv["peer"]; lines++
    for (k in kv) {
      if (!(k in measures) || !num(kv[k])) continue
      if (!((s, k) in seen)) { seen[s, k] = 1; charts[++nc] = s SUBSEP k }
      if (!((s, k, p) in value)) { n[s, k]++; peers[s, k, n[s, k]] = p }
      value[s, k, p] = kv[k]
    }
  }
  BEGIN {
    split("events_per_s p50_ms p99_ms server_cpu_s bytes_per_conn live_heap_bytes_per_conn", m, " ")
    for (i in m) measures[m[i]] = 1
  }
  END {
    if (lines == 0) { print "no result lines (peer=... scenario=...) in " FILENAME > "/dev/stderr"; exit 1 }
    for (c = 1; c <= nc; c++) {
      split(charts[c], sk, SUBSEP); s = sk[1]; k = sk[2]
      max = 0
      for (j = 1; j <= n[s, k]; j++) if (value[s, k, peers[s, k, j]] + 0 > max) max = value[s, k, peers[s, k, j]] + 0
      h = 86 + 28 * n[s, k]
      file = dir "/" s "-" k ".svg"
      printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", h > file
      printf "<title>%s: %s</title>\n", esc(s), esc(label(k)) > file
      printf "<rect width=\"720\" height=\"%d\" fill=\"white\"/>\n", h > file
      printf "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s: %s</text>\n", esc(s), esc(label(k)) > file
      for (r = 1; r <= nrun && r <= 2; r++) printf "<text x=\"10\" y=\"%d\" fill=\"#555\">%s</text>\n", 22 + 16 * r, esc(substr(run[r], 1, 110)) > file
      for (j = 1; j <= n[s, k]; j++) {
        p = peers[s, k, j]; v = value[s, k, p] + 0
        w = max > 0 ? int(430 * v / max + 0.5) : 0
        y = 68 + 28 * (j - 1)
        printf "<text x=\"150\" y=\"%d\" text-anchor=\"end\">%s</text>\n", y + 15, esc(p) > file
        printf "<rect x=\"160\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>\n", y, w, p == "sse-jaxrs" ? "#2b6cb0" : "#a0aec0" > file
        printf "<text x=\"%d\" y=\"%d\">%s</text>\n", 166 + w, y + 15, esc(value[s, k, p]) > file
      }
      print "</svg>" > file
      close(file)
      print file
    }
  }' "$1"
}

if [ "${1:-}" = "--summary" ]; then
  summary "$2"
  exit 0
fi
if [ "${1:-}" = "--charts" ]; then
  [ -f "${2:-}" ] || { echo "usage: bench/run.sh --charts RESULT_FILE [DIR]" >&2; exit 2; }
  charts "$2" "${3:-docs/charts}"
  exit 0
fi
BENCH=$(cd "${SSE_BENCH:-../shared/bench}" && pwd)
SCENARIOS=${*:-stream1 stream8}
JAVA_OPTS=${PEER_JAVA_OPTS:--Xmx1g}
[ -x "$BENCH/run.sh" ] || { echo "no SSE harness at $BENCH (set SSE_BENCH)" >&2; exit 2; }
mkdir -p bench/results
RESULTS="bench/results/run-$(date -u +%Y%m%dT%H%M%SZ).txt"
[ -f "$BENCH/loadgen/target/loadgen.jar" ] || { echo "harness not built: run $BENCH/run.sh build" >&2; exit 2; }

mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"

{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(java -version 2>&1 | head -1), JVM flags: $JAVA_OPTS"
  echo "# git $(git rev-parse --short HEAD), scenarios: $SCENARIOS, peers: ${PEERS:-none}"
} | tee "$RESULTS"
for scenario in $SCENARIOS; do
  start_demo "$scenario"
  "$BENCH/run.sh" url "$scenario" "$BASE" "$PID" | sed 's/^peer=custom /peer=sse-jaxrs /' | tee -a "$RESULTS"
  stop_demo
  sleep 1
  for peer in ${PEERS:-}; do
    "$BENCH/run.sh" "$peer" "$scenario" | tee -a "$RESULTS"
  done
done
summary "$RESULTS"
[ "${CHARTS:-}" != 1 ] || charts "$RESULTS" docs/charts
