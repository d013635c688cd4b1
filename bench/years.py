#!/usr/bin/env python3
"""Times the pages years of use weigh on, on a fresh seeded database and on a grown one
(bench/grow.py): the briefs lists and search, a brief with "changed since", an entry's
history, the activity feed, the editors' desk and queues, and the API's briefs list.

For each database it starts the server, signs in as admin@example.com, asks each page once
(the first answer, its one-off costs included), then N times in a row, and prints the first,
the median and the slowest of the N (ms) and the page's size. Nothing is run in parallel: the
figures are the cost of one request, as little disturbed by the machine as can be.

A fresh database's queues and histories are empty, so its pages list nothing where the
grown one lists a full page: with WEEK.db (a database with a page or so of each list, as after
a week of use) each page is also compared with itself at the same size, which is what growth
alone costs.

Usage: bench/years.py BINARY FRESH.db GROWN.db [N] [WEEK.db]   (default N = 20)
       (make FRESH.db with: bench/grow.py BINARY FRESH.db --briefs 0 --audit 0 --flags 0
        --users 2 --requests 0, and WEEK.db with: bench/grow.py BINARY WEEK.db --briefs 60
        --audit 8000 --flags 100 --users 20 --requests 100)
"""
import os
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from grow import PASSWORD  # noqa: E402
from saves import signed_in, started_server  # noqa: E402


def oldest_brief(database):
    """The brief pinned longest ago (the most changes since), and one client word to search."""
    import sqlite3
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    row = db.execute("SELECT id, client FROM briefs ORDER BY created_at, id LIMIT 1").fetchone()
    return row if row else (None, None)


def pages(brief, client):
    yield "briefs", "/briefs"
    yield "briefs search", f"/briefs?q={urllib.parse.quote(client.split()[0]) if client else 'acme'}"
    yield "briefs, page 2", None  # filled from the first page's next link
    yield "my briefs", "/briefs/mine"
    if brief:
        yield "brief, changed since", f"/briefs/{brief}"
    yield "history (django)", "/admin/frameworks/django/history"
    yield "activity", "/admin/activity"
    yield "desk /admin", "/admin"
    yield "change requests", "/admin/changes"
    yield "flags", "/admin/flags"
    yield "reference questions", "/admin/reference-questions"
    yield "API briefs", "/api/v1/briefs"


def measure(binary, database, n):
    env = dict(os.environ, DATABASE_URL=f"sqlite://{os.path.abspath(database)}", RUST_LOG="warn")
    # A grown database takes a while to open: up to five minutes.
    server, base = started_server(binary, env, tries=3000)
    results = {}
    try:
        opener = signed_in(base, "admin@example.com", PASSWORD)
        brief, client = oldest_brief(database)
        next_page = None
        for label, path in pages(brief, client):
            path = path or next_page
            if path is None:
                continue
            times, size = [], 0
            for _ in range(n + 1):
                started = time.monotonic()
                try:
                    body = opener.open(base + path, timeout=600).read()
                    status = 200
                except urllib.error.HTTPError as e:
                    body, status = e.read(), e.code
                times.append((time.monotonic() - started) * 1000)
                size = len(body)
            if label == "briefs":
                import re
                link = re.search(rb'href="(/briefs\?[^"]*)" rel="next"', body)
                next_page = link.group(1).decode().replace("&amp;", "&") if link else None
            rest = sorted(times[1:])
            results[label] = (times[0], statistics.median(rest), rest[-1], size, status)
    finally:
        server.terminate()
        server.wait()
    return results


def main():
    binary, fresh, grown = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    week = sys.argv[5] if len(sys.argv) > 5 else None
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", file=sys.stderr)
    before = measure(binary, fresh, n)
    weekly = measure(binary, week, n) if week else {}
    after = measure(binary, grown, n)
    week_head, week_rule = ("| a week: p50 | KB ", "---:|---:|") if week else ("", "")
    print(f"| page | fresh: p50 | KB {week_head}| grown: first | p50 | slowest | KB "
          f"| grown ÷ fresh {'| grown ÷ a week ' if week else ''}|")
    print(f"|---|---:|---:|{week_rule}---:|---:|---:|---:|---:|{'---:|' if week else ''}")
    for label, (_, f50, _, fsize, fs) in before.items():
        if label not in after:
            continue
        g1, g50, gmax, gsize, gs = after[label]
        statuses = [fs, gs] + ([weekly[label][4]] if label in weekly else [])
        flag = "" if all(s == 200 for s in statuses) else f" (status {'/'.join(map(str, statuses))})"
        row = f"| {label}{flag} | {f50:.1f} | {fsize / 1024:.1f} "
        if week:
            w50, wsize = (weekly[label][1], weekly[label][3]) if label in weekly else (0, 0)
            row += f"| {w50:.1f} | {wsize / 1024:.1f} "
        row += f"| {g1:.1f} | {g50:.1f} | {gmax:.1f} | {gsize / 1024:.1f} | {g50 / max(f50, 0.01):.1f}× "
        if week:
            row += f"| {g50 / max(w50, 0.01):.1f}× " if label in weekly else "| — "
        print(row + "|")


if __name__ == "__main__":
    main()
