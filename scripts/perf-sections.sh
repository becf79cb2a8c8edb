#!/usr/bin/env bash
# Prints the sections of docs/performance.md that come from the measuring
# run (docs/measurements.json) and the load run (docs/load.json), for
# scripts/bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 - <<'PY'
import json, os
m = json.load(open("docs/measurements.json"))
print(f"""## Capacity and duration per route

Measured on {m['measured']} by `TestMeasureDynamoDBLocal` (internal/lambdatest),
{m['runs']} invocations of each, on DynamoDB Local: the request units DynamoDB
bills (see internal/dynamo/capacity.go for where DynamoDB Local's report is
corrected), the handler's duration through its Lambda entry point, and the
built bootstrap's under AWS's runtime interface emulator. docs/cost.md
prices them.

| route | read units | write units | DynamoDB calls | p50 | p90 | under the RIE (p50) |
|---|---|---|---|---|---|---|""")
for name in sorted(m["routes"]):
    r = m["routes"][name]
    rie = f"{r['riep50ms']:.1f} ms" if r.get("riep50ms") else "–"
    print(f"| {name} | {r['readUnits']:.2f} | {r['writeUnits']:.2f} | {r['dynamodbCalls']:.1f} | {r['inProcessP50ms']:.1f} ms | {r['inProcessP90ms']:.1f} ms | {rie} |")
if os.path.exists("docs/load.json"):
    l = json.load(open("docs/load.json"))
    print(f"""
## Load: the knee

`make load` on {l['date']} ([load.md](load.md), ![plot](load.svg)): vegeta
against eventboard local on 127.0.0.1, 80% reads, 15% creates, 5% updates and
deletes, rates stepping up until an error or a p99 over 100 ms.

**Knee: {l['knee']} requests/s, p99 {l['kneeP99ms']:.1f} ms there.** The load
generator, kumo and every function share the 2 cores (with other work on the
machine while this ran): this is the laptop stack's knee, not AWS's.""")
PY
