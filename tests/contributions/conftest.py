"""Accounts in every role and the projects of tests/accounts' world, for the contribution pages."""

from __future__ import annotations

from tests.accounts.conftest import make_user as make_user
from tests.accounts.conftest import world as world
from tests.dedup.conftest import raw as raw  # raw records through the real pipeline, as in dedup tests
