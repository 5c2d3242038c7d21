#!/usr/bin/env bash
# Installs the Debian packages the suite and its tests use, once. Needs root (or sudo) on Debian 12.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
need=()
# Dense backends: OpenBLAS (main) and MKL (Debian's non-free component; its Recommends bring libiomp5).
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ] || need+=(libopenblas0-pthread)
if [ ! -e /usr/lib/x86_64-linux-gnu/libmkl_rt.so ]; then
  need+=(libmkl-rt)
  nonfree=/etc/apt/sources.list.d/debian-non-free.sources
  if [ ! -f "$nonfree" ] && ! grep -rqs "non-free" /etc/apt/sources.list /etc/apt/sources.list.d/ && [ "$sudo" != none ]; then
    # Same URI and suites as Debian 12's debian.sources, component non-free (libmkl-rt lives there).
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | $sudo tee "$nonfree" >/dev/null
  fi
fi
command -v h5dump >/dev/null 2>&1 || need+=(hdf5-tools)
/usr/bin/python3 -c 'import h5py, scipy, numpy' >/dev/null 2>&1 || need+=(python3-h5py python3-scipy python3-numpy)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$sudo" = none ]; then
    echo "setup: cannot install ${need[*]} (not root, no sudo); tests that need them will be skipped" >&2; exit 0; fi
  echo "setup: installing ${need[*]}" >&2
  ${sudo#none} apt-get update -qq >&2 || true
  echo "libmkl-rt libmkl-rt/use-as-default-blas-lapack boolean false" | ${sudo#none} debconf-set-selections 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive ${sudo#none} apt-get install -y -qq "${need[@]}" >&2 || \
    echo "setup: apt-get install failed; tests that need ${need[*]} will be skipped" >&2
fi
