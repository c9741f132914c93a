"""Sign-up, verification, login by code and password reset, with the mails sent to a real SMTP server."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client

from carrefour.accounts.roles import Action, user_can
from tests.accounts.conftest import PASSWORD, account_create
from tests.mail import Mailbox

pytestmark = pytest.mark.django_db


def _signup(client: Client, email: str) -> tuple[int, str]:
    response = client.post("/compte/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    return response.status_code, response["Location"]


def _path(url: str) -> str:
    return urlsplit(url).path


def test_signup_sends_a_verification_mail_whose_link_verifies_and_logs_in(mailbox: Mailbox) -> None:
    client = Client()
    assert _signup(client, "marie@example.org") == (302, "/compte/confirm-email/")
    assert client.get("/compte/").status_code == 302  # not signed in before verifying
    message = mailbox.to("marie@example.org")[0]
    assert "Carrefour des innovations sociales" in str(message["Subject"])
    link = mailbox.link("marie@example.org", "/compte/confirm-email/")
    page = client.get(_path(link))
    assert page.status_code == 200 and "marie@example.org" in page.text
    confirmed = client.post(_path(link))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="marie@example.org").verified
    home = client.get("/compte/")
    assert home.status_code == 200 and "Mon compte" in home.text and "Contributeur" in home.text
    assert user_can(User.objects.get(email="marie@example.org"), Action.PROPOSE_PROJECT)


def test_an_unverified_account_cannot_log_in_and_gets_the_mail_again(mailbox: Mailbox) -> None:
    account_create("paul@example.org", verified=False)
    client = Client()
    response = client.post("/compte/login/", {"login": "paul@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/compte/confirm-email/"
    assert client.get("/compte/").status_code == 302
    assert mailbox.link("paul@example.org", "/compte/confirm-email/")


def test_login_by_emailed_code(mailbox: Mailbox) -> None:
    account_create("lea@example.org")
    client = Client()
    requested = client.post("/compte/login/code/", {"email": "lea@example.org"})
    assert requested.status_code == 302 and requested["Location"] == "/compte/login/code/confirm/"
    body = mailbox.last_body("lea@example.org")
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", body, re.MULTILINE)
    assert code, body
    wrong = client.post(
        "/compte/login/code/confirm/", {"code": "ZZZZ-ZZZZ" if code[1] != "ZZZZ-ZZZZ" else "YYYY-YYYY"}
    )
    assert wrong.status_code == 200 and client.get("/compte/").status_code == 302
    signed_in = client.post("/compte/login/code/confirm/", {"code": code[1]})
    assert signed_in.status_code == 302
    assert client.get("/compte/").status_code == 200


def test_password_reset_by_mail(mailbox: Mailbox) -> None:
    account_create("sam@example.org")
    client = Client()
    assert client.post("/compte/password/reset/", {"email": "sam@example.org"}).status_code == 302
    link = mailbox.link("sam@example.org", "/compte/password/reset/key/")
    form = client.get(_path(link), follow=True)
    assert form.status_code == 200 and "password1" in form.text
    new = "un tout autre mot de passe 2027"
    done = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    fresh = Client()
    assert fresh.post("/compte/login/", {"login": "sam@example.org", "password": PASSWORD}).status_code == 200
    assert fresh.post("/compte/login/", {"login": "sam@example.org", "password": new}).status_code == 302


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("form", ["signup", "reset"])
def test_known_and_unknown_addresses_get_identical_answers(form: str, mailbox: Mailbox) -> None:
    account_create("connue@example.org")
    answers = []
    for email in ("connue@example.org", "inconnue@example.org"):
        client = Client()
        if form == "signup":
            response = client.post(
                "/compte/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
            )
        else:
            response = client.post("/compte/password/reset/", {"email": email})
        page = client.get(response["Location"])
        # The page echoes the address typed, whichever it is: the rest must not differ.
        text = _without_tokens(page.text).replace(email, "ADRESSE")
        answers.append((response.status_code, response["Location"], page.status_code, text))
    assert answers[0][:3] == answers[1][:3]
    assert answers[0][3].splitlines() == answers[1][3].splitlines()
    assert ("ADRESSE" in answers[0][3]) is (form == "signup")
    # Each address learns what happened by mail only: its owner, not whoever typed it, reads it.
    assert len(mailbox.to("connue@example.org")) == 1 and len(mailbox.to("inconnue@example.org")) == 1
    assert User.objects.filter(email="connue@example.org").count() == 1
