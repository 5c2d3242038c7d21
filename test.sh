#!/usr/bin/env bash
# Runs the test suite (fast tests; pass --slow to include [Category("Slow")]). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
filter="Category!=Slow"
if [ "${1:-}" = "--slow" ]; then filter=""; shift; fi
case " $* " in *" --filter "*) filter="";; esac   # a caller's own filter replaces the default
rm -rf TestResults
set +e
dotnet test Tests/Tests.csproj -c Release --nologo ${filter:+--filter "$filter"} \
  --logger "trx;LogFileName=results.trx" --results-directory TestResults "$@"
rc=$?
set -e
./scripts/trx-summary.sh TestResults/results.trx
exit $rc
