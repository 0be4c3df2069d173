#!/usr/bin/env python3
"""stix_check.py - checks a STIX 2.1 bundle written by `koban share` against
the specification's required properties: bundle form; for every object its
type, spec_version and id (type--UUID, version 4 for SDOs/SROs, the
deterministic version 5 for ipv4-addr/ipv6-addr SCOs); created/modified with
millisecond precision for SDOs/SROs; indicator pattern/pattern_type/
valid_from; sighting_of_ref, count, first_seen <= last_seen; observed-data
first_observed/last_observed/number_observed/object_refs; and that every
*_ref / *_refs resolves inside the bundle. Prints one line per problem and
a JSON summary (counts, patterns, sighting counts) on the last line; exits 1
when something is wrong.

usage: stix_check.py BUNDLE.json [--expect KEY=VALUE ...]
  KEY is one of indicators, sightings, observed, scos, identities.
"""
import json
import re
import sys
import uuid

SCO_NS = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
SCO_TYPES = {"ipv4-addr", "ipv6-addr", "domain-name", "url"}
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
TS_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}Z$")
ID = re.compile(r"^([a-z0-9][a-z0-9-]*[a-z0-9])--([0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$")
PATTERN = re.compile(r"^\[(ipv4-addr|ipv6-addr|domain-name|url):value (=|ISSUBSET) '((?:[^'\\]|\\['\\])*)'\]$")

problems = []


def bad(msg):
    problems.append(msg)
    print("STIX: " + msg)


def check_ts(obj, key, ms=False):
    v = obj.get(key)
    if not isinstance(v, str) or not (TS_MS if ms else TS).match(v):
        bad(f"{obj.get('id')}: {key} {v!r} is not a STIX timestamp{' with millisecond precision' if ms else ''}")
        return None
    return v


def check_common(o):
    t = o.get("type")
    oid = o.get("id", "")
    m = ID.match(oid) if isinstance(oid, str) else None
    if not isinstance(t, str) or not m or m.group(1) != t:
        bad(f"object {oid!r}: id does not have the form {t}--UUID")
        return t
    if t in SCO_TYPES:
        if o.get("spec_version", "2.1") != "2.1":
            bad(f"{oid}: spec_version must be 2.1")
        name = json.dumps({"value": o.get("value")}, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        want = f"{t}--{uuid.uuid5(SCO_NS, name)}"
        if oid != want:
            bad(f"{oid}: not the deterministic id {want}")
        return t
    if o.get("spec_version") != "2.1":
        bad(f"{oid}: spec_version must be \"2.1\"")
    if m.group(3) != "4":
        bad(f"{oid}: SDO/SRO ids should be UUID version 4")
    c, mo = check_ts(o, "created", True), check_ts(o, "modified", True)
    if c and mo and mo < c:
        bad(f"{oid}: modified before created")
    return t


def check_refs(o, by_id):
    for k, v in o.items():
        refs = v if k.endswith("_refs") else [v] if k.endswith("_ref") else []
        if k.endswith("_refs") and (not isinstance(v, list) or not v):
            bad(f"{o.get('id')}: {k} must be a non-empty list")
            refs = []
        for r in refs:
            if r not in by_id:
                bad(f"{o.get('id')}: {k} {r!r} does not resolve in the bundle")


def check_indicator(o, by_id, seen):
    oid = o.get("id")
    for k in ("pattern", "pattern_type", "valid_from"):
        if k not in o:
            bad(f"{oid}: indicator without {k}")
    check_ts(o, "valid_from")
    if o.get("pattern_type") != "stix" or not PATTERN.match(o.get("pattern", "")):
        bad(f"{oid}: pattern {o.get('pattern')!r} is not a simple STIX comparison")
    if not isinstance(o.get("indicator_types"), list) or not o["indicator_types"]:
        bad(f"{oid}: indicator_types missing")
    if by_id.get(o.get("created_by_ref"), {}).get("type") != "identity":
        bad(f"{oid}: created_by_ref is not an identity")
    seen["patterns"].append(o.get("pattern"))


def check_sighting(o, by_id, seen):
    oid = o.get("id")
    target = by_id.get(o.get("sighting_of_ref"))
    if not target:
        bad(f"{oid}: sighting_of_ref missing or dangling")
    c = o.get("count")
    if not isinstance(c, int) or not 0 <= c <= 999999999:
        bad(f"{oid}: count {c!r} out of range")
    fs, ls = check_ts(o, "first_seen"), check_ts(o, "last_seen")
    if fs and ls and ls < fs:
        bad(f"{oid}: last_seen before first_seen")
    for r in o.get("where_sighted_refs", []):
        if by_id.get(r, {}).get("type") not in ("identity", "location"):
            bad(f"{oid}: where_sighted_refs must reference identity or location")
    if target:
        seen["sightings"][target.get("pattern")] = c


def check_observed(o, by_id, seen):
    oid = o.get("id")
    fo, lo = check_ts(o, "first_observed"), check_ts(o, "last_observed")
    if fo and lo and lo < fo:
        bad(f"{oid}: last_observed before first_observed")
    n = o.get("number_observed")
    if not isinstance(n, int) or not 1 <= n <= 999999999:
        bad(f"{oid}: number_observed {n!r} out of range")
    if "objects" in o:
        bad(f"{oid}: uses the deprecated objects property")
    if not o.get("object_refs"):
        bad(f"{oid}: observed-data without object_refs")
    vals = [by_id.get(r, {}).get("value") for r in o.get("object_refs", [])]
    seen["observed"][f"{','.join(o.get('labels', []))} {','.join(map(str, vals))}"] = n


def check_object(o, by_id, counts, seen):
    t = check_common(o)
    check_refs(o, by_id)
    if t == "identity":
        counts["identities"] += 1
        if not o.get("name"):
            bad(f"{o.get('id')}: identity without name")
    elif t == "indicator":
        counts["indicators"] += 1
        check_indicator(o, by_id, seen)
    elif t == "sighting":
        counts["sightings"] += 1
        check_sighting(o, by_id, seen)
    elif t == "observed-data":
        counts["observed"] += 1
        check_observed(o, by_id, seen)
    elif t in SCO_TYPES:
        counts["scos"] += 1
    else:
        bad(f"{o.get('id')}: unexpected object type {t}")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    expect = {}
    for a in args[1:]:
        if a == "--expect":
            continue
        k, _, v = a.partition("=")
        expect[k] = int(v)
    with open(args[0], encoding="utf-8") as f:
        b = json.load(f)
    if b.get("type") != "bundle" or not isinstance(b.get("objects"), list):
        bad("not a bundle with an objects list")
        return 1
    if not (isinstance(b.get("id"), str) and ID.match(b["id"]) and b["id"].startswith("bundle--")):
        bad("bundle id is not bundle--UUID")
    objs = b["objects"]
    by_id = {}
    for o in objs:
        if o.get("id") in by_id:
            bad(f"duplicate id {o.get('id')}")
        by_id[o.get("id")] = o
    counts = {"indicators": 0, "sightings": 0, "observed": 0, "scos": 0, "identities": 0}
    seen = {"patterns": [], "sightings": {}, "observed": {}}
    for o in objs:
        check_object(o, by_id, counts, seen)
    for k, v in expect.items():
        if counts.get(k) != v:
            bad(f"expected {v} {k}, found {counts.get(k)}")
    print(json.dumps({"counts": counts, "patterns": sorted(seen["patterns"]), "sightings": seen["sightings"],
                      "observed": seen["observed"]}, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
