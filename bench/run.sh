#!/usr/bin/env bash
# Benchmarks the demo server with the shared SSE load generator and, optionally, the peers in the same run.
#   bench/run.sh [SCENARIO...]          scenarios of the harness: stream1 stream8 fanout1k fanout5k idle5k
#   PEERS="jersey-sink grizzly-raw" bench/run.sh stream1   also runs the peers on the same scenarios
# The harness lives in ../shared/bench (override with SSE_BENCH=/path); build it once with `$SSE_BENCH/run.sh build`.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${SSE_BENCH:-../shared/bench}
SCENARIOS=${*:-stream1 stream8}
[ -x "$BENCH/run.sh" ] || { echo "no SSE harness at $BENCH (set SSE_BENCH)" >&2; exit 2; }

mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

java -Xmx1g -cp "$CP" dev.ssejaxrs.demo.DemoServer --port "$PORT" > target/bench-server.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/stats" && break
  sleep 0.2
done

for scenario in $SCENARIOS; do
  "$BENCH/run.sh" url "$scenario" "http://127.0.0.1:$PORT" "$PID" | sed 's/^/sse-jaxrs /'
  for peer in ${PEERS:-}; do
    "$BENCH/run.sh" "$peer" "$scenario"
  done
done
