#!/usr/bin/env python3
"""Grows a fresh database to what years of use leave behind: 100,000 briefs (with their
revisions and outcomes), one million audit entries, 20,000 flags (open and resolved), change
requests, and 500 accounts — written directly with sqlite3 in the shapes the app writes
(migrations 0005 and 0007, src/db/briefs.rs, flags.rs, change_requests.rs, editing.rs).

The database is made by the binary itself (`migrate`, `import`, `user add`); then the server
is started once to save a few dozen real briefs through the form, whose pinned answers and
queries the grown briefs reuse (so every pinned answer is one the app really wrote); then the
rows are written in one transaction each. `stackatlas check` passes on the result.

Usage: bench/grow.py BINARY DATABASE [--briefs N] [--audit N] [--flags N] [--users N]
                     [--requests N]
e.g.   bench/grow.py target/release/stackatlas /tmp/years.db
The accounts admin@example.com (admin) and editor@example.com (editor) sign in with the
password bench-password-1; every grown account has the same password.
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(__file__))
from saves import form_fields, save_brief, signed_in, started_server  # noqa: E402

PASSWORD = "bench-password-1"
ROOT = os.path.join(os.path.dirname(__file__), "..")
YEARS = 3
# The knowledge entities an editor saves, and how often (frameworks most of all).
KNOWLEDGE_MIX = [("framework", 70), ("requirement", 6), ("industry", 5), ("use_case", 6),
                 ("language", 4), ("feature", 5), ("trend", 4)]


def run(binary, env, *args, stdin=None):
    done = subprocess.run([binary, *args], env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{binary} {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def questions(doc, count, seed=11):
    """Varied typical questions, as bench/desk.py and bench/questions.py draw them."""
    industries = [i["slug"] for i in doc["industries"]]
    requirements = [r["slug"] for r in doc["requirements"]]
    languages = sorted({f["language"] for f in doc["frameworks"]})
    rng = random.Random(seed)
    for _ in range(count):
        need = rng.sample(requirements, 4)
        yield (f"industry={rng.choice(industries)}&need={need[0]}"
               f"&want={need[2]}&want={need[3]}&lang={rng.choice(languages)}")


def save_real_briefs(binary, env, doc, count):
    """Starts the server, saves `count` briefs through the form, stops it."""
    server, base = started_server(binary, env)
    try:
        opener = signed_in(base, "admin@example.com", PASSWORD)
        page = opener.open(f"{base}/briefs/new?need=security").read().decode()
        token = dict(form_fields(page, "brief-form"))["csrf_token"]
        for n, query in enumerate(questions(doc, count)):
            save_brief(opener, base, query, f"Template {n}", token)
    finally:
        server.terminate()
        server.wait()


def spread(rng, count, start, end):
    """`count` sorted moments between start and end."""
    span = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("database")
    ap.add_argument("--briefs", type=int, default=100_000)
    ap.add_argument("--audit", type=int, default=1_000_000)
    ap.add_argument("--flags", type=int, default=20_000)
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--requests", type=int, default=5_000)
    ap.add_argument("--templates", type=int, default=60)
    args = ap.parse_args()
    if os.path.exists(args.database):
        raise SystemExit(f"{args.database} exists; give a new file")
    env = dict(os.environ, DATABASE_URL=f"sqlite://{os.path.abspath(args.database)}",
               STACKATLAS_ADMIN_EMAIL="", STACKATLAS_ADMIN_PASSWORD="")
    env.pop("STACKATLAS_ADMIN_EMAIL")
    env.pop("STACKATLAS_ADMIN_PASSWORD")
    knowledge = os.path.join(ROOT, "seed", "knowledge.json")
    doc = json.load(open(knowledge))
    run(args.binary, env, "migrate")
    run(args.binary, env, "import", knowledge)
    for email, name, role in [("admin@example.com", "Ada Admin", "admin"),
                              ("editor@example.com", "Ed Editor", "editor")]:
        run(args.binary, env, "user", "add", "--email", email, "--name", name, "--role", role,
            "--password-stdin", stdin=PASSWORD + "\n")
    save_real_briefs(args.binary, env, doc, args.templates)

    rng = random.Random(2026)
    db = sqlite3.connect(args.database)
    db.execute("PRAGMA foreign_keys = ON")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start = now - timedelta(days=365 * YEARS)

    # ---- accounts ----
    hash_, = db.execute("SELECT password_hash FROM users WHERE email = 'admin@example.com'").fetchone()
    first_names = ["Ana", "Ben", "Chloe", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivo", "Jun",
                   "Kai", "Lea", "Mo", "Nia", "Omar", "Pia", "Quinn", "Rui", "Sofia", "Tom"]
    last_names = ["Ito", "Berg", "Costa", "Diaz", "Evans", "Fox", "Gray", "Hall", "Ivanova",
                  "Jones", "Khan", "Lund", "Moreau", "Novak", "Okafor", "Park"]
    with db:
        for n in range(args.users - 2):
            role = "admin" if n < 8 else "editor" if n < 60 else "viewer"
            name = f"{rng.choice(first_names)} {rng.choice(last_names)} {n}"
            created = stamp(start + timedelta(days=rng.random() * 365 * YEARS))
            db.execute("INSERT INTO users (email, name, role, password_hash, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (f"user{n}@example.com", name, role, hash_, created, created))
    users = db.execute("SELECT id, email, name, role FROM users").fetchall()
    editors = [u for u in users if u[3] in ("admin", "editor")]

    # ---- audit log: years of editing (before the grown briefs, which pin marks into it) ----
    states = {}
    for entity, slug, after in db.execute(
            "SELECT entity, entity_slug, after FROM audit_log WHERE after IS NOT NULL"):
        states[(entity, slug)] = after
    # A framework's state as saved is ~20 KB (its notes and sources); a million of them, each
    # with its before and after, would be 30 GB. The grown revisions keep every field the
    # ranking reads and leave out the description, notes, sources and review dates (which the
    # record's schema defaults), so each is about 2 KB: the rows and their indexes are as many, the file a tenth.
    lean = {}
    for (entity, slug), state in states.items():
        if entity == "framework":
            record = json.loads(state)
            for field in ("sources", "description", "website"):
                record.pop(field, None)
            for rating in record.get("requirements", []) + record.get("industries", []):
                for field in ("note", "sources", "reviewed"):
                    rating.pop(field, None)
            lean[(entity, slug)] = json.dumps(record, separators=(",", ":"))
    by_entity = {}
    for (entity, slug) in states:
        by_entity.setdefault(entity, []).append(slug)
    kinds = [k for k, w in KNOWLEDGE_MIX for _ in range(w)]
    first_id = db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
    moments = spread(rng, args.audit, start, now - timedelta(days=1))
    with db:
        rows = []
        for at in moments:
            roll = rng.random()
            user = rng.choice(editors)
            if roll < 0.85:
                entity = rng.choice(kinds)
                slug = rng.choice(by_entity[entity])
                state = lean.get((entity, slug)) or states[(entity, slug)]
                note = rng.choice(["", "", "", "reviewed with the vendor's docs", "new release"])
                rows.append((stamp(at), user[0], user[1], entity, slug, "update", state, state,
                             note, None, None, None))
            elif roll < 0.93:
                slug = f"flag-{rng.randrange(1, args.flags + 1)}"
                rows.append((stamp(at), user[0], user[1], "flag", slug, "resolve",
                              '{"status":"open"}', '{"status":"stands"}', "", None, None, None))
            elif roll < 0.98:
                slug = str(rng.randrange(1, 5000))
                action = rng.choice(["submit", "approve", "return", "reject", "withdraw"])
                rows.append((stamp(at), user[0], user[1], "change_request", slug, action,
                             None, None, "", None, None, None))
            else:
                target = rng.choice(users)
                rows.append((stamp(at), user[0], user[1], "user", target[1], "update",
                             '{"role":"viewer"}', '{"role":"%s"}' % target[3], "", None, None,
                             None))
        db.executemany(
            "INSERT INTO audit_log (at, user_id, actor, entity, entity_slug, action, before,"
            " after, note, approver_id, approver, change_request) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    last_id = db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]

    # ---- briefs: their questions and pinned answers are the real ones saved above ----
    templates = db.execute(
        "SELECT r.query, r.knowledge_version, r.result,"
        " json_extract(r.result, '$.results[0].slug') FROM brief_revisions r").fetchall()
    clients = [f"{rng.choice(['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell'])} {kind} {n}"
               for n in range(2500) for kind in [rng.choice(['Health', 'Bank', 'Retail', 'Logistics', 'Media'])]]
    projects = ["Patient portal", "Mobile banking", "Checkout", "Fleet tracker", "Streaming app",
                "Internal tools", "Partner API", "Data platform", "Booking site", "Chat"]
    slugs = [f["slug"] for f in doc["frameworks"]]
    created = spread(rng, args.briefs, start, now - timedelta(hours=1))
    with db:
        for at in created:
            owner = rng.choice(users)
            changed = min(now, at + timedelta(days=rng.random() ** 4 * 400))
            outcome = rng.random()
            archived = stamp(changed) if rng.random() < 0.2 else None
            result = chosen = decided = recorded = None
            template = rng.choice(templates)
            if outcome < 0.45:
                result = rng.choices(["won", "lost", "open"], [5, 3, 2])[0]
                chosen = template[3] or rng.choice(slugs) if result != "lost" else None
                if result == "won" and chosen is None:
                    chosen = rng.choice(slugs)
                decided = changed.strftime("%Y-%m-%d")
                recorded = stamp(changed)
            note = rng.choice(["", "", "Met the CTO; compliance matters most.",
                               "Budget is tight; team knows Python."])
            brief_id = db.execute(
                "INSERT INTO briefs (client, project, notes, owner_id, archived_at,"
                " outcome_result, outcome_chosen, outcome_decided_on, outcome_recorded_at,"
                " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rng.choice(clients), rng.choice(projects), note, owner[0], archived, result,
                 chosen, decided, recorded, stamp(at), stamp(changed), owner[0])).lastrowid
            revisions = rng.choices([1, 2, 3], [70, 20, 10])[0]
            for number in range(1, revisions + 1):
                pinned = at if number == 1 else at + (changed - at) * number / revisions
                template = template if number == 1 else rng.choice(templates)
                # The log's last entry then: the grown log is spread evenly over the years.
                fraction = (pinned - start) / (now - start)
                mark = first_id + int((last_id - first_id) * min(1.0, fraction))
                db.execute(
                    "INSERT INTO brief_revisions (brief_id, number, query, knowledge_version,"
                    " audit_mark, result, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (brief_id, number, template[0], template[1], mark, template[2],
                     stamp(pinned), owner[0]))

    # ---- flags from sales ----
    frameworks = db.execute("SELECT id, slug FROM frameworks").fetchall()
    requirements = [r["slug"] for r in doc["requirements"]]
    industries = [i["slug"] for i in doc["industries"]]
    flagged = spread(rng, args.flags, start, now - timedelta(hours=1))
    with db:
        for n, at in enumerate(flagged):
            fw = rng.choice(frameworks)
            kind = rng.choices(["requirement", "industry", "fact"], [6, 3, 1])[0]
            subject = (rng.choice(requirements) if kind == "requirement" else
                       rng.choice(industries) if kind == "industry" else
                       rng.choice(["license", "summary", "homepage"]))
            # The newest tenth is still open; the rest were resolved within weeks.
            open_ = n >= args.flags * 0.9 and rng.random() < 0.8
            status = "open" if open_ else rng.choice(["fixed", "stands"])
            resolved_at = None if open_ else stamp(min(now, at + timedelta(days=rng.random() * 30)))
            db.execute(
                "INSERT INTO flags (framework_id, framework_slug, subject_kind, subject, reason,"
                " comment, flagged_by, created_at, status, answer, fixed_by, resolved_by,"
                " resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (fw[0], fw[1], kind, subject, rng.choice(["wrong", "outdated", "missing-source"]),
                 rng.choice(["", "The client's architect disagrees."]), rng.choice(users)[0],
                 stamp(at), status,
                 "Checked against the docs; it stands." if status == "stands" else "",
                 rng.randrange(first_id + 1, last_id) if status == "fixed" else None,
                 None if open_ else rng.choice(editors)[0], resolved_at))

    # ---- change requests: years of decided ones and a few open ----
    framework_states = [(slug, states[("framework", slug)]) for slug in by_entity["framework"]]
    requested = spread(rng, args.requests, start, now - timedelta(hours=1))
    with db:
        for n, at in enumerate(requested):
            slug, state = rng.choice(framework_states)
            author = rng.choice(editors)
            status = "pending" if n >= args.requests - 20 else rng.choices(
                ["approved", "rejected", "withdrawn"], [8, 1, 1])[0]
            decided = None if status == "pending" else stamp(at + timedelta(hours=rng.random() * 48))
            db.execute(
                "INSERT INTO change_requests (entity, entity_slug, action, base_version, base,"
                " proposed, reason, status, author_id, reviewer_id, published_as, created_at,"
                " decided_at, updated_at) VALUES ('framework', ?, 'update', 1, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?)",
                (slug, state, state, "Keeps the ratings in line with the latest release.", status,
                 author[0], None if status == "pending" else rng.choice(editors)[0],
                 rng.randrange(first_id + 1, last_id) if status == "approved" else None,
                 stamp(at), decided, decided or stamp(at)))
    db.close()
    counts = sqlite3.connect(args.database).execute(
        "SELECT (SELECT COUNT(*) FROM briefs), (SELECT COUNT(*) FROM brief_revisions),"
        " (SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM flags),"
        " (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM change_requests)").fetchone()
    print("briefs %d, revisions %d, audit entries %d, flags %d, users %d, change requests %d"
          % counts)


if __name__ == "__main__":
    main()
