"""Search forms: the entry page's form submitted as a browser would, next pages reached by a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml.html import FormElement, HtmlElement
from scrapy.http import FormRequest, Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

# Refusals of a form submission meaning "your token or session expired": 419 is Laravel's "page expired".
FORM_REFUSED = frozenset({403, 419})


class FormMissing(ValueError):
    """A page without the form a definition names (or without the submit button it names)."""


def form_needs_cookies(definition: dict[str, Any]) -> bool:
    """A definition submitting forms: its token is bound to a session cookie, kept for the whole run."""
    pagination = definition.get("pagination") or {}
    return "form" in definition or pagination.get("type") == "next_form"


def form_fields(request: Request) -> list[tuple[str, str]]:
    """The fields a form request sends (its body for POST, its query for GET)."""
    raw = request.body.decode(request.encoding) if request.method == "POST" else urlsplit(request.url).query
    # Percent-escapes are bytes in the page's encoding (latin-1 sites): decoded as UTF-8 they would be lost.
    return parse_qsl(raw, keep_blank_values=True, encoding=request.encoding)


def form_submission(
    response: Response, spec: dict[str, Any], meta: dict[str, Any], **kwargs: Any
) -> FormRequest:
    """The form filled as a browser would (hidden fields, selections, checked boxes), then spec's fields."""
    if not isinstance(response, TextResponse):
        # A page served as binary (application/octet-stream…) has no form to read.
        raise FormMissing(
            f"formulaire introuvable : pas une page de texte ({response.headers.get('Content-Type')!r})"
        )
    try:
        form = _form(response, spec.get("css"))
        fields = form_values(form, spec.get("fields") or {}, spec.get("submit"))
    except ValueError as exc:
        raise FormMissing(f"formulaire introuvable : {exc}") from exc
    method = (form.get("method") or "GET").upper()
    request = FormRequest(
        # Resolved against the page's URL or its <base href>; a missing or empty action is the page.
        response.urljoin((form.get("action") or "").strip()),
        method=method if method in {"GET", "POST"} else "GET",
        formdata=fields,
        encoding=response.encoding,
        # Each submission carries a one-time token: a cached answer would replay an expired one.
        meta={**meta, "dont_cache": True},
        **kwargs,
    )
    if "form_entry" not in meta:
        # The first submission: what it sent tells later which fields are tokens (see form_resubmission).
        request.meta["form_entry"] = {"url": response.url, "sent": form_fields(request)}
    return request


def _form(response: TextResponse, css: str | None) -> FormElement:
    """The form a CSS selector names (the form holding the first node it selects), else the first form."""
    nodes = response.css(css or "form")
    if not nodes:
        raise ValueError(
            f"aucun élément <form> ne correspond à {css!r}"
            if css
            else f"aucun élément <form> dans {response.url}"
        )
    node = nodes[0].root
    # The selector may name a node inside the form (its button, a field): the form is its ancestor.
    while isinstance(node, HtmlElement) and not isinstance(node, FormElement):
        node = node.getparent()
    if not isinstance(node, FormElement):
        raise ValueError(f"aucun élément <form> ne contient ce que {css!r} sélectionne")
    return node


def form_values(
    form: FormElement, fields: dict[str, str | None], submit: dict[str, str] | None
) -> list[tuple[str, str]]:
    """What a browser sends: the page's values, the clicked button, then the definition's fields."""
    buttons = form.xpath(
        'descendant::input[re:test(@type, "^(submit|image)$", "i")]'
        '|descendant::button[not(@type) or re:test(@type, "^submit$", "i")]',
        namespaces={"re": "http://exslt.org/regular-expressions"},
    )
    if submit:
        buttons = [b for b in buttons if all(b.get(key) == value for key, value in submit.items())]
        if len(buttons) != 1:
            raise ValueError(f"{len(buttons)} boutons d'envoi correspondent à {submit!r}")
    clicked = [(b.get("name"), b.get("value") or "") for b in buttons[:1] if b.get("name")]
    # lxml's form_values leaves out unchecked boxes, disabled fields and buttons, as a browser does.
    values = [(name, value) for name, value in form.form_values() + clicked if name not in fields]
    return values + [(name, value) for name, value in fields.items() if value is not None]


def form_next(
    pagination: dict[str, Any], response: Response, callback: Callable[..., Any], errback: Callable[..., Any]
) -> list[FormRequest]:
    """The submission of the results page's "next page" form, or none when the page has no such form."""
    if pagination.get("type") != "next_form":
        return []
    # Without a search form, the first "next" submission records its page as the one to reload.
    entry = response.meta.get("form_entry")
    meta = {"role": "list", **({"form_entry": entry} if entry else {})}
    try:
        return [form_submission(response, pagination["form"], meta, callback=callback, errback=errback)]
    except FormMissing:
        # The last page has no "next" form: the end of the list.
        return []


def form_page_lost(pagination: dict[str, Any], role: str, listed: int) -> str | None:
    """Why a results page reached by a "next" form cannot be the list's end, or None when it can.

    The last page of a directory still shows its last results: a page reached by a "next" form that
    lists nothing is the server having lost the search (many sites answer an expired session with
    200 and the search page), so the list is incomplete, not finished.
    """
    if pagination.get("type") != "next_form" or role != "list" or listed:
        return None
    return "page de résultats sans aucune fiche après la page 1 : session expirée ou recherche perdue"


def form_refusal(failure: Failure) -> str | None:
    """Why a form submission was refused (expired or missing token), or None for any other failure."""
    value, request = failure.value, getattr(failure, "request", None)
    if request is None or "form_entry" not in request.meta or not isinstance(value, HttpError):
        return None
    status = value.response.status
    return f"formulaire refusé (HTTP {status}) : jeton expiré ou absent" if status in FORM_REFUSED else None


def form_reload(
    failure: Failure, callback: Callable[..., Any], errback: Callable[..., Any]
) -> Request | None:
    """Reload the entry page once after a refused submission (tokens expire with sessions), else None."""
    request = getattr(failure, "request", None)
    if (
        request is None
        or form_refusal(failure) is None
        or not request.meta["form_entry"]
        or request.meta.get("form_retried")
    ):
        return None
    meta = {"role": request.meta["role"], "dont_cache": True, "form_refused": request}
    return Request(
        request.meta["form_entry"]["url"], callback=callback, errback=errback, meta=meta, dont_filter=True
    )


def form_resubmission(refused: Request, fresh: FormRequest) -> FormRequest:
    """The refused submission again, its tokens replaced by those of the reloaded entry form.

    A token is a field whose value changed between the two loads of the entry form: the other fields
    of the refused request (page number, criteria) are sent as they were.
    """
    entry = refused.meta["form_entry"]
    before = dict(entry["sent"])
    sent = form_fields(fresh)
    tokens = {name: value for name, value in sent if before.get(name) != value}
    fields = [(name, tokens.get(name, value)) for name, value in form_fields(refused)]
    meta = {
        "role": refused.meta["role"],
        "dont_cache": True,
        "form_retried": True,
        "form_entry": {"url": entry["url"], "sent": sent},
    }
    return FormRequest(
        refused.url,
        method=refused.method,
        formdata=fields,
        encoding=refused.encoding,
        callback=refused.callback,
        errback=refused.errback,
        meta=meta,
        dont_filter=True,
    )
