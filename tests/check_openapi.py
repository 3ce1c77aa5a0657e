#!/usr/bin/env python3
"""Checks schemas/openapi.yaml (tests/openapi_test.cpp checks its routes
against the router, both ways).

As a document: it parses as YAML, declares OpenAPI 3.1, every $ref resolves
(inside the document, or to a file beside it such as ./events/envelope.json),
every operation has a unique operationId and a 2xx response, every error
response's schema is the Error envelope, every {param} in a path is declared
as a path parameter, and every example validates against its schema.

With --heimdall BIN, against a live server as well: it starts `BIN serve` on
127.0.0.1 (a free port) over a fresh data directory with a small git
repository under --repo-root, calls every route (successes and errors), and
checks that each answer's status is one the document lists for that
operation and that its body validates against the document's schema; the
progress stream's frames are checked against the schemas of their event
names.

Exit 0 when all hold; otherwise one line per problem on stderr and exit 1."""
import argparse
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import jsonschema
import yaml

try:
    import referencing
    import referencing.jsonschema
except ImportError:  # jsonschema before 4.18
    referencing = None

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


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def schema_registry(path, doc):
    """The document and the JSON files beside it, by file URI, so that
    "#/components/..." and "./events/x.json" refs resolve: a `referencing`
    registry where jsonschema has it (4.18 on), else a RefResolver store
    (Debian's 4.10)."""
    base = pathlib.Path(path).resolve().parent
    contents = {pathlib.Path(path).resolve().as_uri(): doc}
    for file in base.rglob("*.json"):
        with open(file, encoding="utf-8") as f:
            schema = json.load(f)
        # Resolved by where the file is, not by its own $id.
        contents[file.as_uri()] = {k: v for k, v in schema.items() if k != "$id"}
    if referencing is None:
        return contents
    spec = referencing.jsonschema.DRAFT202012
    return referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(c, default_specification=spec)) for uri, c in contents.items())


def validator(path, registry, pointer):
    """A validator for the schema at JSON `pointer` in the document."""
    uri = pathlib.Path(path).resolve().as_uri()
    schema = {"$ref": uri + "#" + pointer}
    if referencing is None:
        resolver = jsonschema.RefResolver(base_uri=uri, referrer=registry[uri], store=registry)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def escape(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def check(path):
    problems = []
    base = os.path.dirname(os.path.abspath(path))
    doc = load(path)
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
    if problems:
        return problems  # examples cannot be checked against refs that do not resolve

    registry = schema_registry(path, doc)

    def examples(node, pointer):
        if isinstance(node, dict):
            if "example" in node and "schema" in node:
                for e in validator(path, registry, pointer + "/schema").iter_errors(node["example"]):
                    problems.append("%s: example does not match its schema: %s" % (pointer, e.message))
            for k, v in node.items():
                examples(v, pointer + "/" + escape(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                examples(v, "%s/%d" % (pointer, i))

    examples(doc, "")

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


class live_server:
    """`heimdall serve` on a fresh data dir; stopped (SIGTERM, then SIGKILL
    after 20 s) by stop()."""

    def __init__(self, heimdall, root):
        self.out = os.path.join(root, "serve.out")
        self.err = os.path.join(root, "serve.err")
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.proc = subprocess.Popen(
                [heimdall, "serve", "--data", os.path.join(root, "data"), "--listen", "127.0.0.1:0",
                 "--repo-root", os.path.join(root, "repos"), "--keepalive-ms", "200"],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            m = re.search(r"serving on http://127\.0\.0\.1:(\d+) ", open(self.err).read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("heimdall serve did not start: " + open(self.err).read())
            time.sleep(0.02)
        lines = open(self.out).read().split()
        self.token = lines[-1] if lines else ""

    def request(self, method, target, body=None, token=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, target, body=data, headers=h)
        res = conn.getresponse()
        text = res.read().decode()
        conn.close()
        return res.status, res.getheader("Content-Type", ""), text

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def git_repo(dir):
    os.makedirs(dir)
    with open(os.path.join(dir, "app.py"), "w") as f:
        f.write("import os\nimport sqlite3\n\ndef run():\n    os.system(input())\n\n"
                "def find(name):\n    return sqlite3.connect('x').execute('SELECT * FROM t WHERE n = ' + name)\n")
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=dir, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", "-C", dir] + args, check=True, env=env, stdin=subprocess.DEVNULL)


def live_check(path, heimdall):
    doc = load(path)
    registry = schema_registry(path, doc)
    problems = []
    seen = set()

    def expect(method, template, answer, status):
        """Checks `answer` against the document's response for `status`."""
        got, content_type, body = answer
        where = "%s %s" % (method, template)
        seen.add((method, template))
        if got != status:
            problems.append("%s: expected %d, got %d: %s" % (where, status, got, body[:300]))
            return None
        op = (doc["paths"].get(template) or {}).get(method.lower())
        if op is None:
            problems.append("%s: not in the document" % where)
            return None
        res = op["responses"].get(str(status))
        if res is None:
            problems.append("%s: answered %d, which the document does not list" % (where, status))
            return None
        pointer = "/paths/%s/%s/responses/%d" % (escape(template), method.lower(), status)
        if "$ref" in res:
            pointer = res["$ref"][1:]
            res, _ = resolve_pointer(doc, pointer)
        media = content_type.split(";")[0].strip()
        names = {m.split(";")[0].strip(): m for m in (res.get("content") or {})}
        if media not in names:
            problems.append("%s: answered %s, the document says %s" % (where, content_type, sorted(names)))
            return None
        if media.endswith("json"):
            value = json.loads(body)
            schema_at = pointer + "/content/" + escape(names[media]) + "/schema"
            for e in validator(path, registry, schema_at).iter_errors(value):
                problems.append("%s %d: %s at %s" % (where, status, e.message, "/".join(map(str, e.absolute_path))))
            return value
        return body

    root = tempfile.mkdtemp(prefix="heimdall-openapi-")
    server = None
    try:
        git_repo(os.path.join(root, "repos", "app"))
        server = live_server(heimdall, root)
        t = server.token
        r = server.request
        expect("GET", "/health", r("GET", "/health"), 200)
        expect("GET", "/metrics", r("GET", "/metrics"), 200)
        expect("GET", "/api/auth/me", r("GET", "/api/auth/me"), 401)
        expect("GET", "/api/auth/me", r("GET", "/api/auth/me", token=t), 200)
        expect("GET", "/api/settings", r("GET", "/api/settings", token=t), 200)
        creds = {"email": "member@example.com", "password": "correct horse battery"}
        expect("POST", "/api/auth/register", r("POST", "/api/auth/register", creds), 201)
        expect("POST", "/api/auth/register", r("POST", "/api/auth/register", creds), 409)
        expect("POST", "/api/auth/register", r("POST", "/api/auth/register", {"email": 1}), 400)
        expect("POST", "/api/auth/login", r("POST", "/api/auth/login", dict(creds, password="wrong password")), 401)
        login = expect("POST", "/api/auth/login", r("POST", "/api/auth/login", creds), 200)
        member = login["data"]["token"] if login else ""

        source = os.path.join(root, "repos", "app")
        expect("POST", "/api/repos", r("POST", "/api/repos", {"name": "app", "source_url": "ftp://x/y"}, t), 400)
        repo = expect("POST", "/api/repos", r("POST", "/api/repos", {"name": "app", "source_url": source}, t), 201)
        repo_id = repo["data"]["id"] if repo else "00000000-0000-7000-8000-000000000000"
        unknown = "01936d2f-8c4e-7890-b123-456789abcdef"
        expect("GET", "/api/repos", r("GET", "/api/repos?per_page=5", token=t), 200)
        expect("GET", "/api/repos", r("GET", "/api/repos?per_page=500", token=t), 400)
        expect("GET", "/api/repos/{id}", r("GET", "/api/repos/" + repo_id, token=t), 200)
        expect("GET", "/api/repos/{id}", r("GET", "/api/repos/" + repo_id, token=member), 404)
        expect("POST", "/api/repos/{id}/scan", r("POST", "/api/repos/" + unknown + "/scan", token=t), 404)
        expect("POST", "/api/repos/{id}/scan", r("POST", "/api/repos/" + repo_id + "/scan"), 401)
        scan = expect("POST", "/api/repos/{id}/scan", r("POST", "/api/repos/" + repo_id + "/scan", token=t), 202)
        scan_id = scan["data"]["id"] if scan else unknown
        deadline = time.monotonic() + 60
        while True:
            got = expect("GET", "/api/scans/{id}", r("GET", "/api/scans/" + scan_id, token=t), 200)
            if not got or got["data"]["status"] in ("completed", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                problems.append("scan %s did not finish within 60 s" % scan_id)
                break
            time.sleep(0.05)
        expect("GET", "/api/scans/{id}", r("GET", "/api/scans/" + unknown, token=t), 404)
        expect("GET", "/api/repos/{id}/scans", r("GET", "/api/repos/" + repo_id + "/scans", token=t), 200)
        found = expect("GET", "/api/scans/{id}/findings",
                       r("GET", "/api/scans/" + scan_id + "/findings?per_page=100", token=t), 200)
        expect("GET", "/api/scans/{id}/findings", r("GET", "/api/scans/" + scan_id + "/findings?severity=x", token=t), 400)
        expect("GET", "/api/scans/{id}/threat-model", r("GET", "/api/scans/" + scan_id + "/threat-model", token=t), 200)
        expect("GET", "/api/scans/{id}/sarif", r("GET", "/api/scans/" + scan_id + "/sarif", token=t), 200)
        expect("GET", "/api/scans/{id}/events", r("GET", "/api/scans/" + scan_id + "/events", token=t), 200)
        expect("POST", "/api/scans/{id}/cancel", r("POST", "/api/scans/" + scan_id + "/cancel", token=t), 409)

        stream = expect("GET", "/api/scans/{id}/progress/stream",
                        r("GET", "/api/scans/" + scan_id + "/progress/stream", token=t), 200)
        events = (doc["paths"]["/api/scans/{id}/progress/stream"]["get"]["responses"]["200"]["content"]
                  ["text/event-stream"]["x-sse-events"])
        names = []
        for frame in (stream or "").split("\n\n"):
            fields = dict(line.split(": ", 1) for line in frame.split("\n") if ": " in line and not line.startswith(":"))
            if "event" not in fields:
                continue
            names.append(fields["event"])
            if fields["event"] not in events:
                problems.append("progress stream: event %r is not in the document" % fields["event"])
                continue
            pointer = events[fields["event"]]["$ref"].split("#", 1)[1]
            for e in validator(path, registry, pointer).iter_errors(json.loads(fields["data"])):
                problems.append("progress stream %s: %s" % (fields["event"], e.message))
        if not names or names[-1] not in ("scan_complete", "error"):
            problems.append("progress stream of a finished scan: events %s" % names)
        expect("GET", "/api/scans/{id}/progress/stream",
               r("GET", "/api/scans/" + scan_id + "/progress/stream", token=t, headers={"Last-Event-ID": "x"}), 400)
        expect("GET", "/api/scans/{id}/progress/stream", r("GET", "/api/scans/" + unknown + "/progress/stream", token=t), 404)

        finding_id = found["data"][0]["id"] if found and found["data"] else None
        if not finding_id:
            problems.append("the sample repository's scan found nothing: the finding routes went unchecked")
        else:
            f = "/api/findings/" + finding_id
            expect("GET", "/api/findings/{id}", r("GET", f, token=t), 200)
            expect("GET", "/api/findings/{id}", r("GET", f, token=member), 404)
            expect("PATCH", "/api/findings/{id}/status", r("PATCH", f + "/status", {"status": "confirmed"}, t), 200)
            expect("PATCH", "/api/findings/{id}/status", r("PATCH", f + "/status", {"status": "maybe"}, t), 400)
            expect("PATCH", "/api/findings/{id}/severity", r("PATCH", f + "/severity", {"severity": "low"}, t), 200)
            expect("POST", "/api/findings/{id}/comments", r("POST", f + "/comments", {"comment": "seen"}, t), 201)
            expect("GET", "/api/findings/{id}/events", r("GET", f + "/events", token=t), 200)

        expect("PATCH", "/api/settings/ai-provider",
               r("PATCH", "/api/settings/ai-provider", {"provider": "openai"}, member), 200)
        mine = expect("POST", "/api/repos", r("POST", "/api/repos", {"name": "m", "source_url": source}, member), 201)
        if mine:
            expect("POST", "/api/repos/{id}/scan", r("POST", "/api/repos/" + mine["data"]["id"] + "/scan", token=member), 503)
        expect("POST", "/api/settings/api-keys",
               r("POST", "/api/settings/api-keys", {"provider": "openai", "api_key": "sk-test-0000"}, member), 201)
        expect("PATCH", "/api/settings/ai-provider",
               r("PATCH", "/api/settings/ai-provider", {"provider": "nope"}, member), 400)
        expect("DELETE", "/api/repos/{id}", r("DELETE", "/api/repos/" + repo_id, token=t), 200)
        expect("DELETE", "/api/repos/{id}", r("DELETE", "/api/repos/" + repo_id, token=t), 404)
        expect("POST", "/api/auth/logout", r("POST", "/api/auth/logout", token=member), 200)
        expect("GET", "/api/auth/me", r("GET", "/api/auth/me", token=member), 401)

        # Errors of no route use the envelope too.
        for method, target, status in (("GET", "/nope", 404), ("PUT", "/health", 405)):
            got, _, body = r(method, target)
            if got != status:
                problems.append("%s %s: expected %d, got %d" % (method, target, status, got))
            for e in validator(path, registry, "/components/schemas/Error").iter_errors(json.loads(body)):
                problems.append("%s %s: %s" % (method, target, e.message))

        documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item if m in METHODS}
        for method, route in sorted(documented - seen):
            problems.append("%s %s: not exercised against the live server" % (method, route))
        code = server.stop()
        if code != 0:
            problems.append("heimdall serve exited %s after SIGTERM" % code)
    finally:
        if server:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("document")
    parser.add_argument("--heimdall", help="the heimdall binary: also check a live server's answers")
    a = parser.parse_args()
    problems = check(a.document)
    if not problems and a.heimdall:
        problems = live_check(a.document, a.heimdall)
    for p in problems:
        print("check_openapi: " + p, file=sys.stderr)
    if problems:
        return 1
    print("check_openapi: %s is well-formed%s" % (a.document, " and matches a live server" if a.heimdall else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
