"""Validation of API requests and responses against protocol/openapi.json (OpenAPI 3.1, whose
schemas are JSON Schema 2020-12): the operation is found by method and path template, the
schema by status code, and `$ref`s resolve inside the whole document."""

import functools
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

DOCUMENT = Path(__file__).resolve().parents[2] / "protocol" / "openapi.json"


class SchemaMismatch(AssertionError):
    pass


@functools.lru_cache(maxsize=1)
def document():
    return json.loads(DOCUMENT.read_text())


@functools.lru_cache(maxsize=None)
def _template(path_template):
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path_template))
    return re.compile(f"^{pattern}$")


def operation(method, path):
    """(path template, operation object) for a concrete request path."""
    path = urlsplit(path).path
    for template, item in document()["paths"].items():
        if _template(template).match(path):
            op = item.get(method.lower())
            if op is None:
                raise SchemaMismatch(f"protocol/openapi.json has no {method} for {template}")
            return template, op
    raise SchemaMismatch(f"protocol/openapi.json documents no path matching {path}")


def _pointer(*parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _validate(instance, pointer, what):
    root = dict(document())
    root["$ref"] = pointer
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:5])
        raise SchemaMismatch(f"{what} does not match protocol/openapi.json: {details}\n  body: {instance}")


def validate_request(method, path, body):
    template, op = operation(method, path)
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        raise SchemaMismatch(f"{method} {template} documents no JSON request body")
    _validate(body, _pointer("paths", template, method.lower(), "requestBody", "content", "application/json", "schema"),
              f"request {method} {template}")


def validate_response(method, path, status, body):
    template, op = operation(method, path)
    responses = op.get("responses", {})
    key = str(status)
    if key not in responses:
        raise SchemaMismatch(f"{method} {template}: status {status} is not documented (body: {body})")
    response = responses[key]
    base = ["paths", template, method.lower(), "responses", key]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        base = ["components", "responses", name]
        response = document()["components"]["responses"][name]
    content = response.get("content", {}).get("application/json")
    if content is None:
        if body is not None:
            raise SchemaMismatch(f"{method} {template} {status} documents no body, got {body}")
        return
    if body is None:
        raise SchemaMismatch(f"{method} {template} {status}: expected a JSON body, got none")
    _validate(body, _pointer(*base, "content", "application/json", "schema"), f"response {method} {template} {status}")
