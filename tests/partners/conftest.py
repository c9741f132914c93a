"""Accounts in every role, tests/accounts' world of two organisations, raw records through the pipeline."""

from __future__ import annotations

from tests.accounts.conftest import make_user as make_user
from tests.accounts.conftest import world as world
from tests.dedup.conftest import raw as raw
