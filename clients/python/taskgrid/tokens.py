"""The admin token a local cluster (`taskgrid local`, `taskgrid demo`) writes for clients on the
same machine, found the way the Java SDK's LocalTokens finds it: local-PORT.token in
$TASKGRID_RUNTIME_DIR, else $XDG_RUNTIME_DIR/taskgrid, else ~/.taskgrid/run. It is only looked up
for loopback targets, so it never leaves the machine."""

import ipaddress
import os


def directory(env=None):
    env = os.environ if env is None else env
    own = env.get("TASKGRID_RUNTIME_DIR", "").strip()
    if own:
        return own
    xdg = env.get("XDG_RUNTIME_DIR", "").strip()
    if xdg:
        return os.path.join(xdg, "taskgrid")
    return os.path.join(os.path.expanduser("~"), ".taskgrid", "run")


def read_token(path):
    """The first line of a token file, stripped; ValueError if it is empty."""
    with open(path, encoding="utf-8") as f:
        token = f.readline().strip()
    if not token:
        raise ValueError(f"the token file {path} is empty")
    return token


def split_target(target):
    """(host, port) of 'host:port' or '[v6]:port'; ValueError if there is no port."""
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"coordinator address {target!r}: expected host:port")
    return host.strip("[]"), int(port)


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name would need a DNS lookup that could point anywhere


def find(targets, env=None):
    """The local token for targets that are all loopback addresses of one port, or None."""
    port = None
    for target in targets:
        try:
            host, p = split_target(target)
        except ValueError:
            return None
        if not _is_loopback(host) or (port is not None and port != p):
            return None
        port = p
    if port is None:
        return None
    path = os.path.join(directory(env), f"local-{port}.token")
    if not os.path.isfile(path):
        return None
    try:
        return read_token(path)
    except (OSError, ValueError):
        return None
