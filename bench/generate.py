#!/usr/bin/env python3
"""Writes a knowledge document (the import format) grown to N frameworks, for benchmarks.

The seeded taxonomy is kept; frameworks are variations of the seeded ones (names, slugs,
scores and notes perturbed with a fixed random seed), so each has every requirement and
industry rated with a note, like real entries. Usage: generate.py SEED_JSON N OUT_JSON
"""
import json
import random
import sys

seed_path, count, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
doc = json.load(open(seed_path))
originals = doc["frameworks"]
rng = random.Random(20261124)
frameworks = []
for i in range(count):
    base = originals[i % len(originals)]
    copy = json.loads(json.dumps(base))
    if i >= len(originals):
        copy["slug"] = f"{base['slug']}-v{i}"
        copy["name"] = f"{base['name']} variant {i}"
        copy["summary"] = f"Variant {i} of {base['name']}: {base['summary']}"[:200]
        for link in copy["requirements"]:
            link["strength"] = max(0, min(5, link["strength"] + rng.choice([-1, 0, 0, 1])))
            link["note"] = f"{link['note']} (variant {i})"[:500]
        for link in copy["industries"]:
            link["fit"] = max(0, min(5, link["fit"] + rng.choice([-1, 0, 0, 1])))
        copy["ring"] = rng.choice(["adopt", "trial", "trial", "assess", "hold"])
    frameworks.append(copy)
doc["frameworks"] = frameworks
json.dump(doc, open(out_path, "w"))
print(f"wrote {len(frameworks)} frameworks to {out_path}")
