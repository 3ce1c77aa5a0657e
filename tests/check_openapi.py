#!/usr/bin/env python3
"""Checks schemas/openapi.yaml as a document (tests/openapi_test.cpp checks its
routes against the router): it parses as YAML, declares OpenAPI 3.1, every
$ref resolves (inside the document, or to a file beside it such as
./events/envelope.json), every operation has a unique operationId and a 2xx
response, every error response's schema is the Error envelope, and every
{param} in a path is declared as a path parameter. Exit 0 when all hold;
otherwise one line per problem on stderr and exit 1."""
import argparse
import json
import os
import re
import sys

import yaml

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def resolve_pointer(doc, pointer):
    node = doc
    for part in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None, False
    return node, True


def check(path):
    problems = []
    base = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        return ["the document is not a mapping"]
    if not str(doc.get("openapi", "")).startswith("3.1"):
        problems.append("openapi must be 3.1.x, not %r" % doc.get("openapi"))
    for key in ("info", "paths", "components"):
        if key not in doc:
            problems.append("missing top-level '%s'" % key)

    def deref(node):
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            node, ok = resolve_pointer(doc, node["$ref"][1:])
            if not ok:
                return None
        return node

    def walk(node, where):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target, _, pointer = ref.partition("#")
                if target:
                    file = os.path.join(base, target)
                    if not os.path.isfile(file):
                        problems.append("%s: $ref %s: no such file" % (where, ref))
                    elif pointer:
                        with open(file, encoding="utf-8") as f:
                            _, ok = resolve_pointer(json.load(f), pointer)
                        if not ok:
                            problems.append("%s: $ref %s does not resolve" % (where, ref))
                else:
                    _, ok = resolve_pointer(doc, pointer)
                    if not ok:
                        problems.append("%s: $ref %s does not resolve" % (where, ref))
            for k, v in node.items():
                walk(v, "%s/%s" % (where, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, "%s/%d" % (where, i))

    walk(doc, "#")

    error_schema = "#/components/schemas/Error"
    operation_ids = set()
    for route, item in (doc.get("paths") or {}).items():
        if not route.startswith("/"):
            problems.append("path %r does not start with /" % route)
            continue
        declared_at_path = {p.get("name") for p in map(deref, item.get("parameters", [])) if p and p.get("in") == "path"}
        for method, op in item.items():
            if method not in METHODS:
                continue
            where = "%s %s" % (method.upper(), route)
            op_id = op.get("operationId")
            if not op_id:
                problems.append("%s: no operationId" % where)
            elif op_id in operation_ids:
                problems.append("%s: operationId %s used twice" % (where, op_id))
            operation_ids.add(op_id)
            declared = set(declared_at_path)
            declared |= {p.get("name") for p in map(deref, op.get("parameters", [])) if p and p.get("in") == "path"}
            for name in re.findall(r"\{([^}]+)\}", route):
                if name not in declared:
                    problems.append("%s: path parameter {%s} is not declared" % (where, name))
            responses = op.get("responses") or {}
            if not any(str(code).startswith("2") for code in responses):
                problems.append("%s: no 2xx response" % where)
            for code, res in responses.items():
                res = deref(res)
                if res is None:
                    continue
                if str(code)[0] in "45":
                    schema = ((res.get("content") or {}).get("application/json") or {}).get("schema") or {}
                    if schema.get("$ref") != error_schema:
                        problems.append("%s: response %s is not the Error envelope" % (where, code))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("document")
    problems = check(parser.parse_args().document)
    for p in problems:
        print("check_openapi: " + p, file=sys.stderr)
    if problems:
        return 1
    print("check_openapi: %s is well-formed" % parser.parse_args().document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
