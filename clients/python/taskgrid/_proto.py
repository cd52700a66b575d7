"""Loads the message classes that protoc generates from proto/ at build time.

Nothing generated is checked in: `mvn package` (or `verify`, or `install`) runs protoc with
--python_out into clients/python/target/generated-sources/python. The generated modules are named
taskgrid.v1.*_pb2, so that directory's taskgrid/ folder is added to this package's __path__ and
they import as taskgrid.v1.task_pb2, exactly the names protoc wrote into them.
"""

import os

import taskgrid

_HERE = os.path.dirname(os.path.abspath(__file__))
_DEFAULT = os.path.join(os.path.dirname(_HERE), "target", "generated-sources", "python")
GENERATED_DIR = os.environ.get("TASKGRID_PROTO_PYTHON", _DEFAULT)

_package_dir = os.path.join(GENERATED_DIR, "taskgrid")
if not os.path.isfile(os.path.join(_package_dir, "v1", "task_service_pb2.py")):
    raise ImportError(
        "taskgrid: the message classes are not generated yet (looked in "
        + _package_dir
        + "); build them from proto/ with `mvn -B -ntp -q -DskipTests package` at the repository"
        " root, or point TASKGRID_PROTO_PYTHON at a directory protoc --python_out wrote"
    )
if _package_dir not in taskgrid.__path__:
    taskgrid.__path__.append(_package_dir)

from taskgrid.v1 import task_pb2 as task_pb2  # noqa: E402
from taskgrid.v1 import task_service_pb2 as service_pb2  # noqa: E402
