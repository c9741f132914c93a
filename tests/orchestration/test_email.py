"""`email_send`: a message through a real SMTP server on loopback, and a later attempt when it fails."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carrefour.orchestration.tasks import email_send
from tests.mail import Mailbox
from tests.net import free_port
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


def test_email_send_delivers_the_message_in_the_worker(mailbox: Mailbox) -> None:
    result = email_send.enqueue(["porteur@example.org"], "Votre contribution", "Elle est acceptée.")
    assert mailbox.messages == []  # queued, not sent by the request that enqueued it
    tasks_run()
    [message] = mailbox.to("porteur@example.org")
    assert message["Subject"] == "Votre contribution"
    assert mailbox.last_body("porteur@example.org").strip() == "Elle est acceptée."
    result.refresh()
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)


def test_email_send_to_a_server_that_does_not_answer_fails_and_is_tried_again_later(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    result = email_send.enqueue(["porteur@example.org"], "Votre contribution", "Elle est acceptée.")
    tasks_run()
    result.refresh()
    assert result.status == "FAILED"
    assert result.errors[-1].exception_class_path == "builtins.ConnectionRefusedError"
    retry = DBTaskResult.objects.exclude(pk=result.id).get()
    assert retry.status == "READY" and retry.run_after > timezone.now()
    assert retry.args_kwargs["args"][-1] == 2  # the second attempt
