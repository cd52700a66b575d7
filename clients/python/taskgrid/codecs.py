"""Payload encodings of the built-in task types (the Java SDK's Codecs, same content types)."""

import json

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"
DECIMAL = "text/x-taskgrid-decimal"
JSON = "application/json"
PROTOBUF = "application/x-protobuf"


def encode(value, content_type=None):
    """Returns (data, content_type) for a Python value.

    int -> decimal text, str -> UTF-8 text, bytes -> raw bytes, dict/list -> JSON; an explicit
    content_type with bytes passes them through as that type.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value), content_type or OCTET_STREAM
    if content_type is not None:
        raise TypeError("content_type is only for bytes values (encode other values yourself)")
    if isinstance(value, bool):
        raise TypeError("a bool is not a task input: pass an int, str, bytes, dict or list")
    if isinstance(value, int):
        return str(value).encode("ascii"), DECIMAL
    if isinstance(value, str):
        return value.encode("utf-8"), TEXT
    if isinstance(value, (dict, list)):
        return json.dumps(value).encode("utf-8"), JSON
    if value is None:
        return b"", OCTET_STREAM
    raise TypeError(
        f"cannot encode a {type(value).__name__} as a task input: pass int, str, bytes, dict or"
        " list, or bytes with a content_type"
    )


def decode(data, content_type):
    """Decodes an output by its content type: decimal -> int, JSON -> dict/list, text -> str,
    anything else -> bytes."""
    base = (content_type or "").split(";")[0].strip().lower()
    if base == DECIMAL:
        text = data.decode("ascii").strip()
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"not a whole number: {text!r}") from None
    if base == JSON:
        return json.loads(data.decode("utf-8"))
    if base == "text/plain":
        return data.decode("utf-8")
    return data
