"""What an account may do, read once per request: memoised for the request, never carried to the next one.

A page may check permissions many times (each `user_can` reads the roles); inside a request they are
read once. Outside a request (commands, tasks, services called directly) nothing is memoised. Any change
to an account's roles during the request (a block, trust, a staff role, a membership, a verified
address: see carrefour/accounts/signals.py) forgets the request's memo.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("carrefour_request_memo", default=None)


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per request for a key; every time outside a request."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def memo_forget() -> None:
    """Forget what the current request memoised (an account's roles changed during it)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


@contextmanager
def request_scope() -> Iterator[None]:
    """A memo for the block (a request), dropped at its end."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class RequestMemoMiddleware:
    """Each request gets its own memo, dropped once its response is returned."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)
