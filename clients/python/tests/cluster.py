"""Starts a real `taskgrid local` (a coordinator and a worker in one process) for the tests, from
the distribution the deploy module builds, on a free port, with its token in a private runtime
directory; the clients find that token the way they find a user's `taskgrid local`."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
JAVA = os.environ.get("TASKGRID_JAVA", "java")
DIST_LIB = os.environ.get("TASKGRID_DIST_LIB", os.path.join(_ROOT, "deploy", "target", "dist", "lib"))
# One runtime directory for every cluster of the run (tokens are per port), private to the run.
RUNTIME_DIR = tempfile.mkdtemp(prefix="taskgrid-py-run-")
# Registered first, so it runs last: after every cluster registered below has been closed.
atexit.register(shutil.rmtree, RUNTIME_DIR, True)


class LocalCluster:
    def __init__(self, *extra_args):
        if not os.path.isdir(DIST_LIB):
            raise RuntimeError(
                f"the distribution is not built ({DIST_LIB} is missing): run `mvn -B -ntp -q"
                " -DskipTests package` at the repository root"
            )
        self.dir = tempfile.mkdtemp(prefix="taskgrid-py-")
        self.runtime_dir = RUNTIME_DIR
        port_file = os.path.join(self.dir, "port")
        self.log_path = os.path.join(self.dir, "local.log")
        env = dict(os.environ)
        env["TASKGRID_RUNTIME_DIR"] = self.runtime_dir
        # The default retention budget needs more heap than the 512 MiB given here.
        env.setdefault("TASKGRID_RETAINED_MAX", "100000")
        command = [
            JAVA,
            "-Xmx512m",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
            "-cp",
            os.path.join(DIST_LIB, "*"),
            "io.taskgrid.cli.internal.TaskgridCli",
            "local",
            "--port",
            "0",
            "--port-file",
            port_file,
            "--metrics-port",
            "-1",
            "--exit-on-stdin-close",
            *extra_args,
        ]
        self._log = open(self.log_path, "wb")
        # stdin is a pipe this process holds: the cluster exits when this process does.
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        deadline = time.monotonic() + 60
        while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
            if self.process.poll() is not None:
                raise RuntimeError(f"taskgrid local exited with {self.process.returncode}\n{self.tail()}")
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"taskgrid local did not serve within 60 s\n{self.tail()}")
            time.sleep(0.05)  # polling a file another process writes: nothing to wait on instead
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.address = f"127.0.0.1:{self.port}"

    def tail(self, lines=40):
        with open(self.log_path, "rb") as f:
            return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


_shared = {}


def shared(*extra_args):
    """One cluster per set of flags for the whole test run, closed when the run ends."""
    key = tuple(extra_args)
    if key not in _shared:
        cluster = LocalCluster(*extra_args)
        _shared[key] = cluster
        atexit.register(cluster.close)
        print(f"taskgrid local {' '.join(extra_args)} serving on {cluster.address}", file=sys.stderr)
    cluster = _shared[key]
    # Clients find the token of this cluster's port here, as they would a user's `taskgrid local`.
    os.environ["TASKGRID_RUNTIME_DIR"] = cluster.runtime_dir
    return cluster
