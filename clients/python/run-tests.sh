#!/usr/bin/env bash
# Runs the Python client's tests and the Python side of the conformance suite (python3 -m
# unittest) against a real `taskgrid local` the tests start. Maven's integration-test phase runs
# it; run it by hand after `mvn -B -ntp -q -DskipTests package` at the repository root.
# Extra arguments go to unittest (e.g. tests.test_conformance).
set -euo pipefail
cd "$(dirname "$0")"
# The first interpreter that has Debian's python3-grpcio and python3-protobuf: a python3 earlier
# on PATH (a pyenv or venv one) may lack them, and Debian's own is then /usr/bin/python3.
for py in ${TASKGRID_PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import grpc, google.protobuf' 2>/dev/null; then
    echo "Python client tests with $("$py" -c 'import sys, grpc, google.protobuf as p; print(sys.executable, sys.version.split()[0], "grpcio", grpc.__version__, "protobuf", p.__version__)')"
    start=$(date +%s)
    if [ $# -gt 0 ]; then
      "$py" -m unittest "$@"
    else
      "$py" -m unittest discover -t . -s tests -p 'test_*.py'
    fi
    echo "Python client tests passed in $(( $(date +%s) - start )) s"
    exit 0
  fi
done
echo "SKIPPED the Python client's tests: no python3 with grpcio and protobuf (Debian: apt-get install python3-grpcio python3-protobuf; .ci/run installs them)"
