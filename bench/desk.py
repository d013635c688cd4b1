#!/usr/bin/env python3
"""Measures the editors' desk as saved briefs accumulate: its review queue asks every brief's
question again for each rating the question reads, one point up and one down (src/risk.rs).

Saves briefs in steps (varied typical questions, as bench/questions.py draws them) and, after
each step, loads /admin a number of times and prints the median and the slowest load.

Usage: bench/desk.py BASE_URL EMAIL KNOWLEDGE.json STEPS… (password on standard input)
e.g.   bench/desk.py http://127.0.0.1:8080 admin@example.com seed/knowledge.json 0 50 200 1000
"""
import json
import statistics
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from grow import questions  # noqa: E402
from saves import form_fields, save_brief, signed_in  # noqa: E402

LOADS = 15


def main() -> None:
    base, email, source = sys.argv[1], sys.argv[2], sys.argv[3]
    steps = [int(s) for s in sys.argv[4:]]
    password = sys.stdin.readline().rstrip("\n")
    opener = signed_in(base, email, password)
    page = opener.open(f"{base}/briefs/new?need=security").read().decode()
    token = dict(form_fields(page, "brief-form"))["csrf_token"]
    asked = questions(json.load(open(source)), max(steps))
    saved = 0
    print("briefs  desk p50 ms  desk max ms  at stake")
    for step in steps:
        while saved < step:
            query = next(asked)
            save_brief(opener, base, query, f"Client {saved}", token)
            saved += 1
        times = []
        for _ in range(LOADS):
            started = time.monotonic()
            page = opener.open(f"{base}/admin").read().decode()
            times.append((time.monotonic() - started) * 1000)
        stake = page.count("data-risk=")
        print(f"{saved:6d}  {statistics.median(times):11.1f}  {max(times):11.1f}  {stake:8d}")


if __name__ == "__main__":
    main()
