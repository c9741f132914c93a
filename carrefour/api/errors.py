"""The API's errors: always JSON, one shape for every status."""

from __future__ import annotations

from django.http import JsonResponse

# Status → stable code, for programs; the French message in "erreur" is for people.
ERROR_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    414: "uri_too_long",
    429: "rate_limited",
    500: "server_error",
    503: "search_unavailable",
}


def api_error(status: int, message: str, *, code: str = "") -> JsonResponse:
    """`{"erreur": message, "code": code, "status": status}`, open to every origin like the API."""
    body = {"erreur": message, "code": code or ERROR_CODES[status], "status": status}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
