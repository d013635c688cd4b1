#!/usr/bin/env python3
"""Writes a wrk Lua script that asks a different typical question on every request.

Each question has the shape of the benchmark's typical query (an industry, two must-haves,
two nice-to-haves, a language), drawn from the knowledge base's own vocabulary, in canonical
order so none is answered with a redirect. There are far more distinct questions than the
server's answer cache holds, so this measures ranking and rendering, not the cache.

With STYLE `datasette` the same questions are written with the parameter names of the
benchmark's Datasette canned query (`need1`, `need2`, `want1`, `want2`), so the peer is asked
the very same 5,000 questions.

Usage: bench/questions.py KNOWLEDGE.json COUNT OUT.lua [PATH_PREFIX] [STYLE]
"""
import json
import random
import sys


def main() -> None:
    source, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    prefix = sys.argv[4] if len(sys.argv) > 4 else "/?"
    numbered = len(sys.argv) > 5 and sys.argv[5] == "datasette"
    names = ("need1", "need2", "want1", "want2") if numbered else ("need", "need", "want", "want")
    doc = json.load(open(source))
    industries = [i["slug"] for i in doc["industries"]]
    requirements = [r["slug"] for r in doc["requirements"]]
    languages = sorted({f["language"] for f in doc["frameworks"]})
    rng = random.Random(7)
    questions = set()
    while len(questions) < count:
        picked = rng.sample(requirements, 4)
        questions.add(
            f"industry={rng.choice(industries)}&{names[0]}={picked[0]}&{names[1]}={picked[1]}"
            f"&{names[2]}={picked[2]}&{names[3]}={picked[3]}&lang={rng.choice(languages)}"
        )
    paths = ",\n".join(f'  "{prefix}{q}"' for q in sorted(questions))
    with open(out, "w") as f:
        f.write(
            f"local paths = {{\n{paths}\n}}\n"
            "local next_path = math.random(#paths)\n"
            "request = function()\n"
            "  next_path = next_path % #paths + 1\n"
            '  return wrk.format("GET", paths[next_path])\n'
            "end\n"
        )


if __name__ == "__main__":
    main()
