#!/usr/bin/env python3
"""Measures editors' saves per second: signed-in clients load a framework's edit form and save
it with a changed note, as a browser would (CSRF token, version), for a fixed time. Each client
edits its own framework, so every save should succeed; a 409 or any other answer is counted.

Usage: bench/saves.py BASE_URL EMAIL SECONDS SLUG [SLUG …]   (password on standard input)
Prints: saves/s, p50 and p99 of a save (ms), and the counts of each answer.
"""
import html.parser
import http.cookiejar
import multiprocessing
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormFields(html.parser.HTMLParser):
    """The fields a browser would submit from the first form with class `edit-form` (or any
    form when `css_class` is None), before any button is chosen."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.inside, self.fields = css_class, False, []
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.fields:
            self.inside = self.css_class is None or self.css_class in a.get("class", "").split()
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.fields.append([a["name"], a.get("value", "")])
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append([self.select, a.get("value", "")])
        elif tag == "textarea":
            self.textarea = [a.get("name"), ""]
            self.fields.append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def form_fields(page, css_class="edit-form"):
    parser = FormFields(css_class)
    parser.feed(page)
    return parser.fields


def post_for_redirect(opener, url, body, what):
    """Posts a form that answers 303 when it succeeds; anything else stops the benchmark."""
    try:
        opener.open(url, body)
    except urllib.error.HTTPError as e:
        if e.code != 303:
            raise SystemExit(f"{what} failed: {e.code}")


def signed_in(base, email, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/login").read().decode()
    fields = dict(form_fields(page, None))
    body = urllib.parse.urlencode(
        {"email": email, "password": password, "next": "/", "csrf_token": fields["csrf_token"]}
    ).encode()
    post_for_redirect(opener, f"{base}/login", body, "sign-in")
    return opener


def free_port():
    """A port nothing listens on now: the kernel picks one when binding port 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def started_server(binary, env, tries=300):
    """Starts `binary serve` on a free port with `env` and waits for it to answer (up to
    `tries` tenths of a second): the process and its base address."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    return server, base


def save_brief(opener, base, query, client, token):
    """Saves a brief for `query` through the form, as a browser would."""
    body = urllib.parse.urlencode(
        urllib.parse.parse_qsl(query)
        + [("client", client), ("project", "App"), ("csrf_token", token)]
    ).encode()
    post_for_redirect(opener, f"{base}/briefs", body, "saving a brief")


def edit_for(base, email, password, slug, deadline):
    """One editor, in a process of its own: saves `slug` until `deadline` (a time.time()),
    giving back the seconds of each successful save and the count of each answer."""
    opener = signed_in(base, email, password)
    latencies, answers, n = [], {}, 0
    while time.time() < deadline:
        page = opener.open(f"{base}/admin/frameworks/{slug}/edit").read().decode()
        fields = form_fields(page)
        n += 1
        for field in fields:
            if field[0] == "summary":
                field[1] = f"{field[1].split(' [bench')[0]} [bench {n}]"
        fields.append(["action", "save"])
        body = urllib.parse.urlencode([tuple(f) for f in fields]).encode()
        started = time.monotonic()
        try:
            code = opener.open(f"{base}/admin/frameworks/{slug}/edit", body).status
        except urllib.error.HTTPError as e:
            code = e.code
        elapsed = time.monotonic() - started
        answers[code] = answers.get(code, 0) + 1
        if code == 303:
            latencies.append(elapsed)
    return latencies, answers


def main() -> None:
    base, email, seconds, slugs = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
    password = sys.stdin.readline().rstrip("\n")
    # Each editor is a process, as each is a browser of its own: editors sharing one Python
    # process would wait for each other's turn to run (its global lock) while reading a form,
    # and that wait would be counted as the server's.
    deadline = time.time() + seconds
    started = time.monotonic()
    with multiprocessing.Pool(len(slugs)) as editors:
        done = editors.starmap(edit_for, [(base, email, password, s, deadline) for s in slugs])
    elapsed = time.monotonic() - started
    latencies, answers = [], {}
    for own, counts in done:
        latencies += own
        for code, n in counts.items():
            answers[code] = answers.get(code, 0) + n
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
    counts = " ".join(f"{code}:{n}" for code, n in sorted(answers.items()))
    print(f"{len(latencies) / elapsed:.0f} {pick(0.5):.2f} {pick(0.99):.2f} {counts}")


if __name__ == "__main__":
    main()
