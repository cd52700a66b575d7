#!/usr/bin/python3
"""Validates the Kubernetes manifests against the API's schema, offline.

No schema validator (kubeconform, kubeval) is packaged by Debian, and `kubectl --dry-run` needs an
API server for its schema. Debian's python3-kubernetes holds the client models generated from the
Kubernetes OpenAPI spec (field names, types, required fields), so this checks each document
against them: every key must be a field of its type (a typo fails), every value of the field's
type (str, int, bool, list, map, nested object), and required fields present.

Usage: deploy/k8s/validate-manifests.py [FILE.yaml...]   (default: every *.yaml beside it)
Needs: apt-get install python3-kubernetes python3-yaml. Exit 1 on the first invalid file.
"""
import pathlib
import re
import sys

import kubernetes
import yaml
from kubernetes import client

API = client.ApiClient()


def model(api_version, kind):
    # core/v1, apps/v1, networking.k8s.io/v1 ... all map to V1<Kind> in the client.
    version = api_version.split("/")[-1]
    name = version[0].upper() + version[1:] + kind
    cls = getattr(client.models, name, None)
    if cls is None:
        raise ValueError(f"unknown apiVersion/kind {api_version} {kind} (no model {name})")
    return name


def check(value, type_name, path, errors):
    if value is None:
        return
    if type_name == "object":  # IntOrString and free-form fields
        return
    if type_name.startswith("list["):
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list, got {value!r}")
            return
        for i, item in enumerate(value):
            check(item, type_name[5:-1], f"{path}[{i}]", errors)
        return
    m = re.match(r"dict\(([^,]*), (.*)\)$", type_name)
    if m:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map, got {value!r}")
            return
        for k, v in value.items():
            check(v, m.group(2), f"{path}.{k}", errors)
        return
    simple = {"str": str, "int": int, "bool": bool, "float": (int, float), "datetime": str}
    if type_name in simple:
        ok = isinstance(value, simple[type_name]) and not (
            type_name == "int" and isinstance(value, bool))
        if not ok:
            errors.append(f"{path}: expected {type_name}, got {value!r}")
        return
    cls = getattr(client.models, type_name)
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a {type_name} object, got {value!r}")
        return
    fields = {json: attr for attr, json in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in fields:
            errors.append(f"{path}.{key}: not a field of {type_name}")
            continue
        check(v, cls.openapi_types[fields[key]], f"{path}.{key}", errors)


def validate(file):
    errors = []
    count = 0
    for doc in yaml.safe_load_all(file.read_text()):
        if doc is None:
            continue
        count += 1
        where = f"{file.name}: {doc.get('kind')} {doc.get('metadata', {}).get('name')}"
        try:
            name = model(doc.get("apiVersion", ""), doc.get("kind", ""))
        except ValueError as e:
            errors.append(f"{where}: {e}")
            continue
        check(doc, name, where, errors)
        if not errors:
            try:
                # The generated setters reject missing required fields and bad enum values.
                API._ApiClient__deserialize(doc, name)
            except (ValueError, TypeError) as e:
                errors.append(f"{where}: {e}")
    return count, errors


def main(args):
    here = pathlib.Path(__file__).resolve().parent
    files = [pathlib.Path(a) for a in args] or sorted(here.glob("*.yaml"))
    failed = False
    for file in files:
        count, errors = validate(file)
        for e in errors:
            print(e, file=sys.stderr)
        failed |= bool(errors)
        verdict = "INVALID" if errors else "valid"
        print(f"{file.name}: {count} documents, {verdict}"
              f" (API models of python3-kubernetes {kubernetes.__version__})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
