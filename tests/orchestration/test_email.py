"""`email_send`: a message through a real SMTP server on loopback, and a later attempt when it fails."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carrefour.orchestration.tasks import email_send
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


class _Inbox:
    """aiosmtpd handler keeping what it received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_to(settings: Any) -> Iterator[int]:
    """Django's SMTP backend pointed at a free loopback port; the port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    yield settings.EMAIL_PORT


def test_email_send_delivers_the_message_in_the_worker(mail_to: int) -> None:
    inbox = _Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=mail_to)
    server.start()
    try:
        result = email_send.enqueue(["porteur@example.org"], "Votre contribution", "Elle est acceptée.")
        assert inbox.messages == []  # queued, not sent by the request that enqueued it
        tasks_run()
    finally:
        server.stop()
    [(recipients, content)] = inbox.messages
    message = message_from_bytes(content)
    assert recipients == ["porteur@example.org"]
    assert message["Subject"] == "Votre contribution"
    assert message.get_payload(decode=True).decode().strip() == "Elle est acceptée."
    result.refresh()
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)


def test_email_send_to_a_server_that_does_not_answer_fails_and_is_tried_again_later(mail_to: int) -> None:
    result = email_send.enqueue(["porteur@example.org"], "Votre contribution", "Elle est acceptée.")
    tasks_run()  # nothing listens on the port
    result.refresh()
    assert result.status == "FAILED"
    assert result.errors[-1].exception_class_path == "builtins.ConnectionRefusedError"
    retry = DBTaskResult.objects.exclude(pk=result.id).get()
    assert retry.status == "READY" and retry.run_after > timezone.now()
    assert retry.args_kwargs["args"][-1] == 2  # the second attempt
