#!/usr/bin/env python3
"""Prepares what the reading benchmarks read as a signed-in user: signs in as an editor (as a
browser does: CSRF token, cookie), saves the typical question as a brief and publishes a radar
edition, all through the real forms.

Usage: bench/prepare.py BASE_URL EMAIL QUERY_STRING   (password on standard input)
Prints one line: the session's Cookie header, the brief's path and the edition's path, separated
by tabs.
"""
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

from saves import signed_in


def post(opener, url, fields):
    """POSTs a form and returns the path it redirects to (the app answers 303)."""
    body = urllib.parse.urlencode(fields).encode()
    try:
        answer = opener.open(url, body)
    except urllib.error.HTTPError as e:
        if e.code == 303:
            return e.headers["Location"]
        raise SystemExit(f"POST {url} answered {e.code}: {e.read()[:300]!r}")
    raise SystemExit(f"POST {url} answered {answer.status}, not a redirect")


def main() -> None:
    base, email, query = sys.argv[1], sys.argv[2], sys.argv[3]
    password = sys.stdin.readline().rstrip("\n")
    opener = signed_in(base, email, password)
    page = opener.open(f"{base}/?{query}").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    fields = [("client", "Bench Clinic"), ("project", "Patient portal"),
              ("notes", "Saved by bench/prepare.py"), ("csrf_token", token)]
    fields += urllib.parse.parse_qsl(query)
    brief = post(opener, f"{base}/briefs", fields)
    post(opener, f"{base}/admin/radar-editions",
         [("title", "Bench edition"), ("note", "Published by bench/prepare.py"),
          ("published_on", "2026-11-30"), ("csrf_token", token)])
    editions = opener.open(f"{base}/admin/radar-editions").read().decode()
    edition = re.search(r'href="(/trends\?edition=\d+)"', editions)
    if not edition:
        raise SystemExit("the published edition is not linked from /admin/radar-editions")
    jar = next(h.cookiejar for h in opener.handlers
               if isinstance(h, urllib.request.HTTPCookieProcessor))
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    print(f"Cookie: {cookies}\t{urllib.parse.urlsplit(brief).path}\t{edition.group(1)}")


if __name__ == "__main__":
    main()
