#!/usr/bin/env python3
"""Checks the event JSON Schemas in schemas/events/ against the catalogue and the logs.

    validate_event_schemas.py --heimdall BIN --schemas DIR --logs DIR
    validate_event_schemas.py --schemas DIR --selftest

Default mode:
  (a) `BIN log types --json` lists each event type with its current schema version.
      Every (type, 1..current) must have a file <type>.v<N>.json and every such file
      must be in the catalogue. Each file must be a valid draft 2020-12 schema whose
      $id is heimdall:events/<type>.v<N>; envelope.json describes the envelope.
  (b) Each subdirectory of --logs is an event-log data directory left by the C++
      tests (those holding a file named NOT_A_LOG are skipped). Every event of
      `BIN log dump --data D --raw` must match envelope.json, and its data the
      schema of its own version; every event of `BIN log dump --data D` (upcast)
      must be at the current version and match that version's schema.
Exit status: 0 all valid; 1 some failure, or no event validated at all;
2 usage error, or the heimdall binary failed.

--selftest validates the valid and invalid sample data in SAMPLES below against
the schema files, showing that the schemas accept good data and reject bad data.
"""
import argparse
import json
import os
import re
import subprocess
import sys

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

ENVELOPE = "envelope"  # key of envelope.json in the schema table
SCHEMA_FILE = re.compile(r"^(?P<type>[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)"  # e.g. scan.queued
                         r"\.v(?P<version>[1-9][0-9]*)\.json$")
SKIP_MARKER = "NOT_A_LOG"
TIMEOUT_SECONDS = 300


class ToolError(Exception):
    """A usage error or a failure of the heimdall binary (exit status 2)."""


# --- schema files -------------------------------------------------------------

def load_schemas(directory, failures):
    """Returns {ENVELOPE or (type, version): validator} for the valid schema files,
    and the set of (type, version) named by files, valid or not."""
    if not os.path.isdir(directory):
        raise ToolError(f"--schemas {directory}: not a directory")
    validators, named = {}, set()
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(directory, name)
        if name == "envelope.json":
            key, expected_id = ENVELOPE, "heimdall:events/envelope"
        else:
            match = SCHEMA_FILE.match(name)
            if not match:
                failures.append(f"{path}: not named <type>.v<N>.json")
                continue
            key = (match["type"], int(match["version"]))
            expected_id = f"heimdall:events/{key[0]}.v{key[1]}"
            named.add(key)
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            Draft202012Validator.check_schema(schema)
        except ValueError as e:
            failures.append(f"{path}: not JSON: {e}")
            continue
        except SchemaError as e:
            failures.append(f"{path}: not a valid draft 2020-12 schema: {e.message} at {e.json_path}")
            continue
        if schema.get("$id") != expected_id:
            failures.append(f"{path}: $id is {schema.get('$id')!r}, expected {expected_id!r}")
        validators[key] = Draft202012Validator(schema, format_checker=FormatChecker())
    if ENVELOPE not in validators:
        failures.append(f"{directory}: no valid envelope.json")
    return validators, named


def errors(validator, instance):
    return sorted(validator.iter_errors(instance), key=lambda e: e.json_path)


# --- the heimdall binary --------------------------------------------------------

def run_heimdall(binary, *args):
    command = [binary, *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ToolError(f"{' '.join(command)}: {e}")
    if done.returncode != 0:
        raise ToolError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr.rstrip()}")
    return done.stdout


def read_catalogue(binary):
    """{type: current_schema} from `log types --json`."""
    text = run_heimdall(binary, "log", "types", "--json")
    try:
        entries = json.loads(text)
        catalogue = {e["type"]: e["current_schema"] for e in entries}
        if all(isinstance(t, str) and type(n) is int and n >= 1 for t, n in catalogue.items()):
            return catalogue
    except (ValueError, TypeError, KeyError):
        pass
    raise ToolError(f"`log types --json` printed no [{{type, current_schema}}, ...] array:\n{text[:500]}")


def check_catalogue(catalogue, named, failures):
    expected = {(t, n) for t, current in catalogue.items() for n in range(1, current + 1)}
    for t, n in sorted(expected - named):
        failures.append(f"catalogue: {t} schema {n} has no file {t}.v{n}.json")
    for t, n in sorted(named - expected):
        known = f"{t} is at schema {catalogue[t]}" if t in catalogue else f"no type {t}"
        failures.append(f"{t}.v{n}.json: not in the catalogue ({known})")


def dump(binary, log_dir, raw, failures):
    """The log's envelopes, as parsed JSON, one per non-empty output line."""
    args = ["log", "dump", "--data", log_dir] + (["--raw"] if raw else [])
    envelopes = []
    for number, line in enumerate(run_heimdall(binary, *args).splitlines(), 1):
        if not line.strip():
            continue
        try:
            envelopes.append(json.loads(line))
        except ValueError as e:
            failures.append(f"{log_dir}: `log dump` line {number} is not JSON ({e}): {line[:120]}")
    return envelopes


def check_event(where, envelope, validators, failures):
    """Validates one envelope and its data against the schema of its own version."""
    get = envelope.get if isinstance(envelope, dict) else lambda key: None
    event_type, version = get("type"), get("schema")
    label = f"{where} seq {get('seq')} {event_type} v{version}"
    for e in errors(validators[ENVELOPE], envelope):
        failures.append(f"{label}: envelope {e.json_path}: {e.message}")
    if not isinstance(get("data"), dict) or not isinstance(event_type, str) or type(version) is not int:
        return  # already reported against the envelope schema
    validator = validators.get((event_type, version))
    if validator is None:
        failures.append(f"{label}: no schema file {event_type}.v{version}.json")
        return
    for e in errors(validator, envelope["data"]):
        failures.append(f"{label}: data {e.json_path}: {e.message}")


def seqs(envelopes):
    return [e.get("seq") if isinstance(e, dict) else None for e in envelopes]


def check_log(binary, log_dir, catalogue, validators, failures):
    """Validates one log directory both raw and upcast; returns its event count."""
    raw = dump(binary, log_dir, True, failures)
    for envelope in raw:
        check_event(f"{log_dir} (raw)", envelope, validators, failures)
    upcast = dump(binary, log_dir, False, failures)
    if seqs(upcast) != seqs(raw):
        failures.append(f"{log_dir}: `log dump` and `log dump --raw` list different events")
    for envelope in upcast:
        if isinstance(envelope, dict) and envelope.get("type") in catalogue:
            current = catalogue[envelope["type"]]
            if envelope.get("schema") != current:
                failures.append(f"{log_dir} (upcast) seq {envelope.get('seq')} {envelope['type']} "
                                f"v{envelope.get('schema')}: not upcast to the current schema {current}")
        check_event(f"{log_dir} (upcast)", envelope, validators, failures)
    return len(raw)


def check_all(args):
    failures = []
    if not os.path.isdir(args.logs):
        raise ToolError(f"--logs {args.logs}: not a directory")
    validators, named = load_schemas(args.schemas, failures)
    catalogue = read_catalogue(args.heimdall)
    check_catalogue(catalogue, named, failures)
    if ENVELOPE not in validators:
        return report(failures, "schema check", "")
    events = logs = skipped = 0
    for name in sorted(os.listdir(args.logs)):
        log_dir = os.path.join(args.logs, name)
        if not os.path.isdir(log_dir):
            continue
        if os.path.exists(os.path.join(log_dir, SKIP_MARKER)):
            skipped += 1
            continue
        events += check_log(args.heimdall, log_dir, catalogue, validators, failures)
        logs += 1
    if events == 0:
        failures.append(f"no events found in the {logs} logs under {args.logs}: nothing was validated")
    return report(failures, "schema check", f"{events} events in {logs} logs valid, {skipped} skipped")


def report(failures, what, success):
    """Prints the failures or the success line; returns the exit status."""
    for failure in failures:
        print(failure)
    if failures:
        print(f"{what}: {len(failures)} failure{'s' if len(failures) > 1 else ''}")
        return 1
    print(f"{what}: {success}")
    return 0


# --- self-test ------------------------------------------------------------------

U1 = "01936d2f-8c4e-7890-b123-456789abcdef"
U2 = "01936d2e-1234-5678-9abc-def012345678"
U3 = "550e8400-e29b-41d4-a716-446655440000"
SHA1 = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
SHA256 = "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"


def variant(base, drop=(), **changes):
    """A copy of base without the keys in drop and with changes applied."""
    out = {k: v for k, v in base.items() if k not in drop}
    out.update(changes)
    return out


REPO = {"owner_id": U1, "name": "acme/api", "source_url": "https://github.com/acme/api.git",
        "default_branch": "main"}
QUEUED_V1 = {"repo_id": U1, "scan_type": "full", "triggered_by": U2}
QUEUED_V2 = variant(QUEUED_V1, commit_sha=None, base_commit_sha=None, parent_scan_id=None)
STAGE = {"stage": "ingest", "status": "running"}
FINDING = {"finding_id": U3, "title": "SQL injection in login", "severity": "critical"}
COUNTS = {"finding_count": 42, "critical_count": 5, "high_count": 12, "medium_count": 18, "low_count": 7}
TRIAGE = {"status": "false_positive", "actor": U2}
ENVELOPE_SAMPLE = {"seq": 7, "stream": f"scan-{U3}", "version": 3, "id": U1, "type": "scan.status_changed",
                   "schema": 1, "time": "2026-03-12T10:00:05.123Z", "data": {"status": "running"}}

# schema key -> ([valid samples], [(why it is invalid, invalid sample)])
INGESTED = {"commit_sha": SHA1, "branch": "main", "files": 12, "bytes": 40960,
            "languages": {"python": 10, "dockerfile": 2},
            "notes": [{"path": "vendor", "reason": "skipped: vendored directory"}], "notes_total": 1,
            "changed_files": None}
MODEL = {"summary": "2 HTTP routes (flask).", "boundaries": [{"name": "internet -> web application"}],
         "surfaces": [{"name": "HTTP API (flask)", "risk": "high"}], "data_flows": []}
STATIC = {"files": 12, "bytes": 40960, "findings": 3, "manifests": 1, "files_parsed": 2, "files_unparsable": 1,
          "matches_in_comments": 1, "languages_without_grammar": [],
          "notes": [{"path": "gen/big.js", "reason": "pattern rules only: tree-sitter could not parse it"}],
          "notes_total": 1}
CLEARED = {"stage": "static_analysis", "cleared": [{"file_path": "src/copy.c", "line_start": 12, "line_end": 12, "cwe": 120}]}
VALIDATED = {"checked": 7, "suppressed": 1, "duplicates": 2, "over_limit": 0, "withdrawn": [U1]}

HASH = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$OxkbqVbbGRJZzUqRk0qsPw9S5PwFZYRgNQQhBSP0bJE"
REGISTERED = {"email": "Alice@Example.com", "role": "member", "password_hash": HASH}
CLAIM = {"user_id": U1, "email": "alice@example.com"}
ISSUED = {"token_sha256": SHA256, "expires_at": "2026-04-11T10:00:05.123Z"}
KEY_STORED = {"provider": "openai", "nonce": "ab" * 24, "ciphertext": "cd" * 40}

SAMPLES = {
    ENVELOPE: (
        [ENVELOPE_SAMPLE, variant(ENVELOPE_SAMPLE, stream="user:a.b_c-1", data={})],
        [("seq 0", variant(ENVELOPE_SAMPLE, seq=0)),
         ("version as a string", variant(ENVELOPE_SAMPLE, version="3")),
         ("'|' in stream", variant(ENVELOPE_SAMPLE, stream="scan|1")),
         ("empty stream", variant(ENVELOPE_SAMPLE, stream="")),
         ("id not a uuid", variant(ENVELOPE_SAMPLE, id="7")),
         ("id in uppercase", variant(ENVELOPE_SAMPLE, id=U1.upper())),
         ("time without milliseconds", variant(ENVELOPE_SAMPLE, time="2026-03-12T10:00:05Z")),
         ("time not in UTC", variant(ENVELOPE_SAMPLE, time="2026-03-12T10:00:05.123+01:00")),
         ("data not an object", variant(ENVELOPE_SAMPLE, data=[])),
         ("missing data", variant(ENVELOPE_SAMPLE, drop=["data"])),
         ("extra property", variant(ENVELOPE_SAMPLE, upcast=True))]),
    ("repo.registered", 1): (
        [REPO, variant(REPO, source_url="git@github.com:acme/api.git", default_branch=None)],
        [("missing default_branch", variant(REPO, drop=["default_branch"])),
         ("owner_id not a uuid", variant(REPO, owner_id="alice")),
         ("empty name", variant(REPO, name="")),
         ("extra property", variant(REPO, private=True))]),
    ("repo.deleted", 1): (
        [{}, {"reason": "moved to another host"}],
        [("reason not a string", {"reason": 3}),
         ("extra property", {"deleted_by": U2})]),
    ("scan.queued", 1): (
        [QUEUED_V1, variant(QUEUED_V1, scan_type="incremental")],
        [("unknown scan_type", variant(QUEUED_V1, scan_type="partial")),
         ("missing triggered_by", variant(QUEUED_V1, drop=["triggered_by"])),
         ("repo_id not a uuid", variant(QUEUED_V1, repo_id="repo-1")),
         ("v2 member in v1", variant(QUEUED_V1, commit_sha=None))]),
    ("scan.queued", 2): (
        [QUEUED_V2,
         variant(QUEUED_V2, scan_type="incremental", commit_sha=SHA1, base_commit_sha=SHA1[::-1],
                 parent_scan_id=U3),
         variant(QUEUED_V2, commit_sha=SHA256)],
        [("v1 shape", QUEUED_V1),
         ("abbreviated commit_sha", variant(QUEUED_V2, commit_sha=SHA1[:7])),
         ("uppercase commit_sha", variant(QUEUED_V2, commit_sha=SHA1.upper())),
         ("base_commit_sha of 41 digits", variant(QUEUED_V2, base_commit_sha=SHA1 + "0")),
         ("parent_scan_id not a uuid", variant(QUEUED_V2, parent_scan_id="scan-1")),
         ("unknown scan_type", variant(QUEUED_V2, scan_type="partial")),
         ("extra property", variant(QUEUED_V2, branch="main"))]),
    ("scan.status_changed", 1): (
        [{"status": s} for s in ("queued", "running", "ingesting", "modeling", "analyzing", "hunting",
                                 "validating", "reporting", "completed", "failed", "cancelled")],
        [("unknown status", {"status": "paused"}),
         ("missing status", {}),
         ("extra property", {"status": "hunting", "finding_count": 0})]),
    ("scan.stage_updated", 1): (
        [STAGE, variant(STAGE, stage="vidarr", status="failed", error="sanitizer check timed out"),
         variant(STAGE, stage="static_analysis", status="pending")],
        [("unknown stage", variant(STAGE, stage="analyzing")),
         ("unknown stage status", variant(STAGE, status="done")),
         ("missing stage", variant(STAGE, drop=["stage"])),
         ("error not a string", variant(STAGE, status="failed", error=None)),
         ("extra property", variant(STAGE, scan_id=U3))]),
    ("scan.finding_added", 1): (
        [FINDING, variant(FINDING, severity="low", file="src/db.py", line=42, cwe=["CWE-89"]),
         variant(FINDING, path=[{"line": 3, "note": "source: request.args"}, {"line": 9, "note": "sink: cursor.execute"}]),
         variant(FINDING, path=[{"line": 3, "note": "source: request.args"}, {"line": 4, "note": "call: run_query()"},
                                {"line": 9, "note": "sink: cursor.execute", "file": "app/db.py"}])],
        [("unknown severity", variant(FINDING, severity="info")),
         ("missing title", variant(FINDING, drop=["title"])),
         ("empty title", variant(FINDING, title="")),
         ("finding_id not a uuid", variant(FINDING, finding_id="F-1")),
         ("path step without a line", variant(FINDING, path=[{"note": "sink: eval"}])),
         ("path step with an empty file", variant(FINDING, path=[{"line": 2, "note": "sink: eval", "file": ""}]))]),
    ("scan.completed", 1): (
        [COUNTS, {k: 0 for k in COUNTS}],
        [("negative count", variant(COUNTS, low_count=-1)),
         ("count as a string", variant(COUNTS, high_count="12")),
         ("fractional count", variant(COUNTS, medium_count=1.5)),
         ("missing finding_count", variant(COUNTS, drop=["finding_count"])),
         ("extra property", variant(COUNTS, info_count=0))]),
    ("scan.failed", 1): (
        [{"error": "clone failed: repository not found"}],
        [("missing error", {}),
         ("null error", {"error": None}),
         ("empty error", {"error": ""}),
         ("extra property", {"error": "boom", "stage": "ingest"})]),
    ("scan.cancelled", 1): (
        [{}, {"reason": "cancelled by user"}],
        [("reason not a string", {"reason": 1}),
         ("extra property", {"cancelled_by": U2})]),
    ("scan.ingested", 1): (
        [INGESTED, variant(INGESTED, branch=None, changed_files=3, notes=[])],
        [("abbreviated commit_sha", variant(INGESTED, commit_sha=SHA1[:7])),
         ("note without reason", variant(INGESTED, notes=[{"path": "a"}])),
         ("negative files", variant(INGESTED, files=-1)),
         ("missing changed_files", variant(INGESTED, drop=["changed_files"])),
         ("extra property", variant(INGESTED, workspace="/tmp/x"))]),
    ("scan.threat_modeled", 1): (
        [MODEL, variant(MODEL, surfaces=[], data_flows=[])],
        [("missing summary", variant(MODEL, drop=["summary"])),
         ("surfaces not an array", variant(MODEL, surfaces={})),
         ("extra property", variant(MODEL, entry_points=[]))]),
    ("scan.static_analyzed", 1): (
        [STATIC, variant(STATIC, languages_without_grammar=["php"], notes=[], notes_total=0)],
        [("missing files_parsed", variant(STATIC, drop=["files_parsed"])),
         ("note without reason", variant(STATIC, notes=[{"path": "a"}])),
         ("language not a string", variant(STATIC, languages_without_grammar=[1])),
         ("extra property", variant(STATIC, parse_seconds=2))]),
    ("scan.flow_cleared", 1): (
        [CLEARED, variant(CLEARED, stage="hunt", cleared=[{"file_path": "app.py", "line_start": 3, "line_end": 9, "cwe": 89}])],
        [("unknown stage", variant(CLEARED, stage="vidarr")),
         ("no clearances", variant(CLEARED, cleared=[])),
         ("clearance without cwe", variant(CLEARED, cleared=[{"file_path": "a.c", "line_start": 1, "line_end": 1}])),
         ("line 0", variant(CLEARED, cleared=[{"file_path": "a.c", "line_start": 0, "line_end": 1, "cwe": 120}])),
         ("extra property", variant(CLEARED, files=1))]),
    ("scan.findings_validated", 1): (
        [VALIDATED, variant(VALIDATED, withdrawn=[])],
        [("withdrawn id not a uuid", variant(VALIDATED, withdrawn=["F-1"])),
         ("missing over_limit", variant(VALIDATED, drop=["over_limit"])),
         ("extra property", variant(VALIDATED, kept=3))]),
    ("scan.report_generated", 1): (
        [variant(COUNTS, ranking=[U1, U2]), variant({k: 0 for k in COUNTS}, ranking=[])],
        [("missing ranking", COUNTS),
         ("ranking of non-uuids", variant(COUNTS, ranking=["1"])),
         ("extra property", variant(COUNTS, ranking=[], sarif=""))]),
    ("finding.status_changed", 1): (
        [TRIAGE, variant(TRIAGE, status="fixed", comment="patched in " + SHA1[:7])],
        [("unknown status", variant(TRIAGE, status="wontfix")),
         ("missing actor", variant(TRIAGE, drop=["actor"])),
         ("actor not a uuid", variant(TRIAGE, actor="alice@example.com")),
         ("extra property", variant(TRIAGE, severity="low"))]),
    ("finding.severity_changed", 1): (
        [{"severity": "low", "actor": TRIAGE["actor"]},
         {"severity": "critical", "actor": TRIAGE["actor"], "comment": "reachable from the login form"}],
        [("unknown severity", {"severity": "info", "actor": TRIAGE["actor"]}),
         ("missing actor", {"severity": "low"}),
         ("extra property", {"severity": "low", "actor": TRIAGE["actor"], "status": "open"})]),
    ("finding.comment_added", 1): (
        [{"comment": "confirmed on staging", "actor": TRIAGE["actor"]}],
        [("empty comment", {"comment": "", "actor": TRIAGE["actor"]}),
         ("missing comment", {"actor": TRIAGE["actor"]}),
         ("actor not a uuid", {"comment": "x", "actor": "bob"})]),
    ("user.registered", 1): (
        [REGISTERED, variant(REGISTERED, role="admin")],
        [("unknown role", variant(REGISTERED, role="owner")),
         ("email without @", variant(REGISTERED, email="alice")),
         ("password in clear", variant(REGISTERED, password_hash="hunter22")),
         ("argon2i hash", variant(REGISTERED, password_hash=HASH.replace("argon2id", "argon2i"))),
         ("extra property", variant(REGISTERED, password="hunter22"))]),
    ("user.email_claimed", 1): (
        [CLAIM],
        [("email not lower-cased", variant(CLAIM, email="Alice@example.com")),
         ("user_id not a uuid", variant(CLAIM, user_id="alice")),
         ("missing email", variant(CLAIM, drop=["email"]))]),
    ("user.token_issued", 1): (
        [ISSUED],
        [("token in clear", variant(ISSUED, token="ab" * 32)),
         ("short hash", variant(ISSUED, token_sha256=SHA256[:40])),
         ("expires_at without milliseconds", variant(ISSUED, expires_at="2026-04-11T10:00:05Z")),
         ("missing expires_at", variant(ISSUED, drop=["expires_at"]))]),
    ("user.token_revoked", 1): (
        [{"token_sha256": SHA256}],
        [("uppercase hash", {"token_sha256": SHA256.upper()}),
         ("missing hash", {}),
         ("extra property", {"token_sha256": SHA256, "token": "ab" * 32})]),
    ("user.ai_provider_set", 1): (
        [{"provider": "builtin", "base_url": None},
         {"provider": "ollama", "base_url": "http://127.0.0.1:11434"}],
        [("unknown provider", {"provider": "gemini", "base_url": None}),
         ("base_url not http(s)", {"provider": "ollama", "base_url": "file:///etc/passwd"}),
         ("missing base_url", {"provider": "openai"})]),
    ("user.api_key_stored", 1): (
        [KEY_STORED, variant(KEY_STORED, provider="anthropic")],
        [("builtin needs no key", variant(KEY_STORED, provider="builtin")),
         ("short nonce", variant(KEY_STORED, nonce="ab" * 12)),
         ("ciphertext shorter than its authenticator", variant(KEY_STORED, ciphertext="cd" * 16)),
         ("key in clear", variant(KEY_STORED, api_key="sk-123"))]),
}


def selftest(args):
    failures = []
    validators, named = load_schemas(args.schemas, failures)
    for key in sorted(named - SAMPLES.keys()):
        failures.append(f"{key[0]}.v{key[1]}.json has no samples in SAMPLES")
    valid_count = invalid_count = 0
    for key, (valid, invalid) in SAMPLES.items():
        name = "envelope" if key == ENVELOPE else f"{key[0]}.v{key[1]}"
        validator = validators.get(key)
        if validator is None:
            failures.append(f"{name}: samples but no (valid) schema file")
            continue
        if not valid or not invalid:
            failures.append(f"{name}: needs at least one valid and one invalid sample")
        for sample in valid:
            for e in errors(validator, sample):
                failures.append(f"{name}: valid sample {json.dumps(sample)} rejected: "
                                f"{e.json_path}: {e.message}")
        for why, sample in invalid:
            if not errors(validator, sample):
                failures.append(f"{name}: invalid sample ({why}) accepted: {json.dumps(sample)}")
        valid_count += len(valid)
        invalid_count += len(invalid)
    return report(failures, "schema selftest", f"{valid_count} valid and {invalid_count} invalid samples "
                                               f"behave as expected across {len(SAMPLES)} schemas")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", required=True, help="directory of envelope.json and <type>.v<N>.json")
    parser.add_argument("--heimdall", help="the heimdall binary")
    parser.add_argument("--logs", help="directory whose subdirectories are event-log data directories")
    parser.add_argument("--selftest", action="store_true", help="validate the embedded sample data only")
    args = parser.parse_args()
    if not args.selftest and (not args.heimdall or not args.logs):
        parser.error("--heimdall and --logs are required unless --selftest is given")
    try:
        return selftest(args) if args.selftest else check_all(args)
    except ToolError as e:
        print(f"validate_event_schemas: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
