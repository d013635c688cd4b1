#!/usr/bin/env python3
"""Checks a seed/parts/frameworks-*.json file against taxonomy.json. Usage: check.py FILE..."""
import json, re, sys
from pathlib import Path

here = Path(__file__).parent
tax = json.load(open(here / "taxonomy.json"))
slugs = {k: {e["slug"] for e in v} for k, v in tax.items()}
slug_re = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
problems = []
for path in sys.argv[1:]:
    data = json.load(open(path))
    for fw in data["frameworks"]:
        s = fw.get("slug", "?")
        p = lambda msg: problems.append(f"{path}: {s}: {msg}")
        for key, typ in [("slug", str), ("name", str), ("language", str), ("kind", str), ("license", str),
                         ("first_release", int), ("website", str), ("ring", str), ("summary", str),
                         ("description", str), ("last_reviewed", str), ("requirements", list),
                         ("industries", list), ("features", list), ("use_cases", list), ("trends", list)]:
            if not isinstance(fw.get(key), typ):
                p(f"field {key} missing or not {typ.__name__}")
        if not slug_re.match(s): p("bad slug")
        if fw.get("language") not in slugs["languages"]: p(f"unknown language {fw.get('language')}")
        if fw.get("kind") not in {"full-stack", "micro", "runtime", "baas"}: p("bad kind")
        if fw.get("ring") not in {"adopt", "trial", "assess", "hold"}: p("bad ring")
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", fw.get("last_reviewed", "")): p("bad last_reviewed")
        if not fw.get("website", "").startswith("https://"): p("website must be https")
        if not (1990 <= fw.get("first_release", 0) <= 2026): p("bad first_release")
        if len(fw.get("summary", "")) > 200: p("summary over 200 chars")
        reqs = [r["requirement"] for r in fw.get("requirements", [])]
        if sorted(reqs) != sorted(slugs["requirements"]): p(f"requirements must cover each requirement exactly once; missing {slugs['requirements'] - set(reqs)}, extra/dup {[r for r in reqs if reqs.count(r) > 1 or r not in slugs['requirements']]}")
        for r in fw.get("requirements", []):
            if not (isinstance(r.get("strength"), int) and 0 <= r["strength"] <= 5): p(f"strength of {r.get('requirement')} not 0-5")
            if not r.get("note") or len(r["note"]) > 200: p(f"note of {r.get('requirement')} empty or over 200 chars")
        inds = [r["industry"] for r in fw.get("industries", [])]
        if sorted(inds) != sorted(slugs["industries"]): p(f"industries must cover each industry exactly once; missing {slugs['industries'] - set(inds)}")
        for r in fw.get("industries", []):
            if not (isinstance(r.get("fit"), int) and 0 <= r["fit"] <= 5): p(f"fit of {r.get('industry')} not 0-5")
            if not r.get("note") or len(r["note"]) > 200: p(f"note of {r.get('industry')} empty or over 200 chars")
        for key, tk in [("features", "features"), ("use_cases", "use_cases"), ("trends", "trends")]:
            vals = fw.get(key, [])
            bad = [v for v in vals if v not in slugs[tk]]
            if bad: p(f"unknown {key}: {bad}")
            if len(set(vals)) != len(vals): p(f"duplicate {key}")
            if not vals: p(f"no {key}")
print("\n".join(problems) if problems else "ok")
sys.exit(1 if problems else 0)
