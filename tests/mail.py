"""A real SMTP server on loopback (aiosmtpd) that keeps the messages Django sends to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.net import free_port


@dataclass
class Mailbox:
    """Messages received by the loopback SMTP server, in order."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd handler: keep the message as Python parses it."""
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages sent to an address."""
        return [m for m in self.messages if address in {a.addr_spec for a in m["To"].addresses}]

    def last_body(self, address: str) -> str:
        """Plain-text body of the last message sent to an address."""
        messages = self.to(address)
        assert messages, f"no message to {address}; got {[str(m['To']) for m in self.messages]}"
        part = messages[-1].get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def link(self, address: str, path_part: str) -> str:
        """The first link of the last message to an address whose URL contains path_part."""
        links = [u for u in re.findall(r"https?://\S+", self.last_body(address)) if path_part in u]
        assert links, self.last_body(address)
        return links[0]


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    """Django's SMTP backend pointed at an aiosmtpd server on loopback; its received messages."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield box
    finally:
        controller.stop()
