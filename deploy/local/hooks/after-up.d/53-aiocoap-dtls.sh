#!/usr/bin/env bash
# After the local stack is up: PyPI's DTLSSocket (a Cython wrapper of tinydtls), which gives aiocoap its coaps
# (DTLS 1.2 PSK) client transport, installed into aiocoap's venv from 52-aiocoap.sh. The coaps interoperability
# tests (test/interop/coaps/aiocoap-dtls.int-spec.ts) use it as an independent DTLS stack. DTLSSocket ships as
# source only: its build runs tinydtls's autogen.sh (autoreconf, Debian `autoconf`) and ./configure, and compiles
# C (cc, the Python headers). Idempotent: does nothing when the pinned version imports; fails loudly otherwise.
set -euo pipefail
DTLSSOCKET_VERSION=0.2.3
venv=.local/opt/aiocoap
installed() {
  "$venv/bin/python" - <<PY 2>/dev/null
import importlib.metadata as m, sys
from DTLSSocket import dtls  # the compiled tinydtls extension, not only the package metadata
sys.exit(m.version("DTLSSocket") != "$DTLSSOCKET_VERSION")
PY
}
if installed; then exit 0; fi
if [ ! -x "$venv/bin/python" ]; then
  echo "$venv has no python: 52-aiocoap.sh must install aiocoap first" >&2
  exit 1
fi
missing=()
command -v autoreconf >/dev/null 2>&1 || missing+=(autoconf)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)
# Debian's python3 has its headers in python3-dev; an interpreter built from source (pyenv) ships its own.
include=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$include/Python.h" ] || missing+=(python3-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "DTLSSocket cannot be built: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
# The build dependencies (pyproject.toml: Cython, setuptools, wheel, unpinned there) pinned to versions that build
# 0.2.3, through the isolated build environment's constraints.
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
printf '%s\n' 'Cython==3.3.1' 'setuptools==84.2.1' 'wheel==0.48.0' >"$constraints"
log=.local/opt/dtlssocket-build.log
if ! PIP_CONSTRAINT="$constraints" "$venv/bin/python" -m pip install --disable-pip-version-check \
  "DTLSSocket==$DTLSSOCKET_VERSION" >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "DTLSSocket $DTLSSOCKET_VERSION did not build (full log: $log)" >&2
  exit 1
fi
installed || {
  echo "DTLSSocket $DTLSSOCKET_VERSION installed into $venv but does not import (log: $log)" >&2
  exit 1
}
