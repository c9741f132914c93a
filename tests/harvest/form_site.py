"""A search directory on loopback whose results are reachable only through its forms, token and session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler
from itertools import count
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.net import loopback_serve

# id, name, town, theme, archived (listed only when the "archives" box is sent checked).
ORGANISATIONS = [
    ("101", "Épicerie solidaire", "Lyon", "alimentation", False),
    ("102", "Repair café", "Nantes", "réemploi", False),
    ("103", "Jardin partagé", "Lille", "alimentation", True),
    ("104", "Garage associatif", "Rennes", "mobilité", False),
    ("105", "Ressourcerie", "Dijon", "réemploi", False),
    ("106", "Tiers-lieu rural", "Gap", "emploi", True),
    ("107", "Cantine de quartier", "Metz", "alimentation", False),
]
PER_PAGE = 3


@dataclass
class Directory:
    """The directory's behaviour; every request is logged as (method, path without query)."""

    method: str = "POST"
    # Submissions answered 403 before any is accepted (a token the server considers expired).
    refuse_first: int = 0
    # A session accepts this many submissions, then answers 419 "page expired" (0: never expires).
    session_uses: int = 0
    # No submission accepted after this many in the whole run, even with a new session (0: no limit).
    accept_at_most: int = 0
    # The status of an expired session: many PHP sites answer 200 with the search page instead of 419.
    expired_status: int = 419
    # The search form's action (a hostile page may point it anywhere, file:// included).
    action: str = "/resultats"
    # The encoding of every page and of the submissions the site reads.
    charset: str = "utf-8"
    has_form: bool = True
    url: str = ""
    log: list[tuple[str, str]] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    accepted: int = 0
    refused: int = 0

    def submissions(self) -> int:
        """Form submissions received (accepted or refused)."""
        return sum(1 for _, path in self.log if path == "/resultats")


def _hidden(fields: dict[str, str]) -> str:
    """Hidden inputs carrying fields."""
    return "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in fields.items())


def search_page(site: Directory, token: str) -> str:
    """The search page: a newsletter form first, then the search form (hidden token, select, checkbox)."""
    form = (
        f'<form id="recherche" action="{site.action}" method="{site.method.lower()}">'
        f"{_hidden({'_token': token, 'lang': 'fr'})}"
        '<input type="text" name="q" value="">'
        '<input type="text" name="ancien" value="1" disabled>'
        '<select name="theme"><option value="">Tous</option>'
        '<option value="emploi" selected>Emploi</option><option value="réemploi">Réemploi</option></select>'
        '<input type="checkbox" name="archives" value="1" checked>'
        '<input type="checkbox" name="lettre" value="1">'
        '<button type="submit" name="action" value="exporter">Exporter</button>'
        '<button type="submit" name="action" value="chercher">Rechercher</button>'
        "</form>"
    )
    newsletter = '<form action="/lettre" method="post"><input name="email"><button>OK</button></form>'
    return f"<html><body><h1>Annuaire</h1>{newsletter}{form if site.has_form else ''}</body></html>"


def results_page(site: Directory, token: str, fields: dict[str, str]) -> str:
    """One page of results, with a "next page" form (hidden page number, token, criteria) unless last."""
    found = [
        o
        for o in ORGANISATIONS
        if (not fields.get("theme") or o[3] == fields["theme"]) and (fields.get("archives") or not o[4])
    ]
    page = int(fields.get("page", "1"))
    items = "".join(
        f'<li data-id="{i}" data-nom="{escape(n)}" data-ville="{v}" data-theme="{t}">{escape(n)}</li>'
        for i, n, v, t, _ in found[(page - 1) * PER_PAGE : page * PER_PAGE]
    )
    criteria = {k: fields[k] for k in ("lang", "q", "theme", "archives") if k in fields}
    more = page * PER_PAGE < len(found)
    follow = {"_token": token, **criteria, "page": str(page + 1)}
    next_form = (
        f'<form class="page-suivante" action="/resultats" method="{site.method.lower()}">'
        f'{_hidden(follow)}<button type="submit">Suivant</button></form>'
    )
    return f"<html><body><ul class='resultats'>{items}</ul>{next_form if more else ''}</body></html>"


def _refusal(site: Directory, session: dict[str, Any] | None, fields: dict[str, str]) -> int:
    """The status refusing a submission, or 0 when it is accepted."""
    if session is None or fields.get("_token") != session["token"] or fields.get("lang") != "fr":
        return 403
    if site.refused < site.refuse_first:
        site.refused += 1
        return 403
    if (site.session_uses and session["uses"] >= site.session_uses) or (
        site.accept_at_most and site.accepted >= site.accept_at_most
    ):
        return site.expired_status
    if fields.get("action", "chercher") != "chercher" or "lettre" in fields:
        # The wrong button clicked, or an unchecked box sent: no browser would submit that.
        return 400
    return 0


@contextmanager
def directory_serve(site: Directory) -> Iterator[Directory]:
    """Serve the directory on a free loopback port: /recherche (form) and /resultats (submissions)."""
    numbers = count(1)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
            data = body.encode(site.charset)
            self.send_response(status)
            self.send_header("Content-Type", f"text/html; charset={site.charset}")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _session(self) -> dict[str, Any] | None:
            cookie = dict(
                part.strip().split("=", 1)
                for part in (self.headers.get("Cookie") or "").split(";")
                if "=" in part
            )
            return site.sessions.get(cookie.get("sid", ""))

        def _submit(self, method: str, query: str) -> None:
            site.log.append((method, "/resultats"))
            if method != site.method:
                self._answer(405, "méthode refusée")
                return
            fields = dict(parse_qsl(query, keep_blank_values=True, encoding=site.charset))
            session = self._session()
            status = _refusal(site, session, fields)
            if status == 200:
                self._answer(200, search_page(site, "expiré"))
                return
            if status:
                self._answer(status, "jeton expiré ou absent")
                return
            assert session is not None
            session["uses"] += 1
            site.accepted += 1
            self._answer(200, results_page(site, session["token"], fields))

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/resultats":
                self._submit("GET", parts.query)
                return
            site.log.append(("GET", parts.path))
            if parts.path not in {"/recherche", "/liste"}:
                self._answer(404, "introuvable")
                return
            number = next(numbers)
            sid, token = f"s{number}", f"jeton-{number}"
            site.sessions[sid] = {"token": token, "uses": 0}
            # /liste: the first results page of every organisation, no search form before it.
            every = {"lang": "fr", "archives": "1"}
            body = (
                search_page(site, token) if parts.path == "/recherche" else results_page(site, token, every)
            )
            self._answer(200, body, {"Set-Cookie": f"sid={sid}; Path=/; HttpOnly"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("ascii")
            if urlsplit(self.path).path != "/resultats":
                site.log.append(("POST", urlsplit(self.path).path))
                self._answer(404, "introuvable")
                return
            self._submit("POST", body)

        def log_message(self, *args: Any) -> None:
            pass

    with loopback_serve(Handler) as url:
        site.url = url
        yield site
