#!/usr/bin/env bash
# Installs the Python baselines' one dependency, Debian's python3-distributed (Dask), as root.
set -euo pipefail
if /usr/bin/python3 -c 'import distributed' 2>/dev/null; then exit 0; fi
apt-get update -qq
apt-get install -y -qq python3-distributed
