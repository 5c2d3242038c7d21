#!/usr/bin/env bash
# Sketched least squares (spec sketched-regression §6.2): LS-1 … LS-7 with PASS/FAIL per criterion — sketch-and-solve
# accuracy on the incoherent and coherent 200 000×200 matrices (LS-1, LS-2), error-bar coverage at 50 000×100 (LS-3),
# sketch-and-precondition accuracy and backward error with 0 and 1 refinement steps (LS-4), at κ = 10¹⁰ (LS-5), SRHT
# with and without the preconditioner checks on the coherent matrix (LS-6), and SAP vs dense Householder QR at
# 50 000×1000 with the QR's GFlop/s and LSQR's GB/s (LS-7). Options go to `solvers bench lstsq`: --only LS-1,LS-4,
# --draws N, --quick (sizes n/10, d = 1000 → 200, fewer draws: a plumbing run), --markdown FILE.
# The full run needs ≈ 2 GB of memory and takes long on 2 cores; SOLVERS_DENSE_BACKEND=mkl|openblas picks the backend.
# Usage: ./bench/lstsq.sh [options]; writes bench/results/lstsq-<yyyyMMdd-HHmm>.md (with the command line) unless --markdown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
dotnet build Cli/Cli.csproj -c Release --nologo -v q >&2
exec dotnet Cli/bin/Release/net10.0/Solvers.Cli.dll bench lstsq "$@"
