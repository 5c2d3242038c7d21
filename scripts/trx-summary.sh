#!/usr/bin/env bash
# Prints "N passed, N failed[, N skipped]" from a TRX file, on a line of its own.
set -euo pipefail
trx="${1:-TestResults/results.trx}"
if [ ! -f "$trx" ]; then echo "0 passed, 1 failed"; exit 0; fi
line=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
get() { echo "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
passed=$(get passed); failed=$(get failed); notexec=$(get notExecuted); errors=$(get error)
failed=$(( ${failed:-0} + ${errors:-0} ))
echo "${passed:-0} passed, ${failed} failed, ${notexec:-0} skipped"
