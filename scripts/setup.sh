#!/usr/bin/env bash
# Installs the Debian packages the suite and its tests use, once. Needs root (or sudo) on Debian 12.
set -euo pipefail
need=()
command -v h5dump >/dev/null 2>&1 || need+=(hdf5-tools)
/usr/bin/python3 -c 'import h5py, scipy' >/dev/null 2>&1 || need+=(python3-h5py python3-scipy)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: cannot install ${need[*]} (not root, no sudo); h5py/h5dump cross-checks will be skipped" >&2; exit 0; fi
  echo "setup: installing ${need[*]}" >&2
  $sudo apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2 || \
    echo "setup: apt-get install failed; cross-checks that need ${need[*]} will be skipped" >&2
fi
