"""Why a contribution is held for review before going live: daily quota, banned words, repeated text."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from carrefour.accounts.models import Profile
from carrefour.accounts.roles import Action, user_can
from carrefour.contributions.models import Contribution
from carrefour.normalize.text import html_to_text, text_fold
from carrefour.projects.models import Project

QUOTA_WEEKS_MAX = 52
# Texts shorter than this (a name, a year, "Site du porteur") may well be the same on many projects.
REPEAT_MIN_CHARS = 40
REPEAT_PROJECTS = 2  # the same text already proposed on this many other projects
REPEAT_WINDOW = timedelta(days=30)
REPEAT_SCAN = 500  # the author's latest contributions compared
SENTENCE_MIN_CHARS = 20
SENTENCE_REPEATS = 3  # the same sentence this many times in one field
WORD_RUN = 5  # the same word this many times in a row
_SENTENCES = re.compile(r"[.!?;\n]+")


def user_daily_quota(user: Any) -> int:
    """Contributions a day an account makes before they are held: grows with its age and accepted ones."""
    quota = settings.CONTRIBUTION_QUOTA
    weeks = min((timezone.now() - user.date_joined).days // 7, QUOTA_WEEKS_MAX)
    profile = Profile.objects.filter(user=user).first()
    accepted = profile.accepted_contributions if profile is not None else 0
    return int(quota["day"] + quota["per_week"] * weeks + quota["per_accepted"] * accepted)


def _quota_reason(author: Any) -> str | None:
    """Why the account is over its daily quota, None when it is not (staff have none)."""
    if user_can(author, Action.MODERATE):
        return None
    quota = user_daily_quota(author)
    made = Contribution.objects.filter(author=author, created_at__gte=timezone.now() - timedelta(days=1))
    if made.count() < quota:
        return None
    return (
        f"plus de {quota} contributions en 24 heures pour ce compte (ce quota augmente avec "
        "l'ancienneté du compte et les contributions acceptées)"
    )


@functools.cache
def _banned_words(path: Path, mtime: float) -> tuple[str, ...]:
    """The folded words of the list (cached until the file changes)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(
        folded for line in lines if line.strip() and not line.startswith("#") if (folded := text_fold(line))
    )


def banned_words() -> tuple[str, ...]:
    """The banned words and phrases of settings.CONTRIBUTION_BANNED_WORDS, folded (no accents, no case)."""
    path = Path(settings.CONTRIBUTION_BANNED_WORDS)
    return _banned_words(path, path.stat().st_mtime)


def text_banned_words(text: str) -> list[str]:
    """The banned words a text contains as whole words, whatever its accents and case."""
    folded = f" {text_fold(text)} "
    return [word for word in banned_words() if f" {word} " in folded]


def text_repeats_itself(text: str) -> bool:
    """A copy-paste repeated inside one text: the same sentence again and again, or one word in a row."""
    sentences = Counter(
        folded for part in _SENTENCES.split(text) if len(folded := text_fold(part)) >= SENTENCE_MIN_CHARS
    )
    if sentences and max(sentences.values()) >= SENTENCE_REPEATS:
        return True
    run, previous = 0, ""
    for word in text_fold(text).split():
        run = run + 1 if word == previous else 1
        if run >= WORD_RUN:
            return True
        previous = word
    return False


def _texts(fields: dict[str, list[Any]]) -> list[str]:
    """The proposed values that are text, as read (the description without its markup), the website aside."""
    return [
        html_to_text(after) if name == "description" else after
        for name, (_, after) in fields.items()
        if name != "website" and isinstance(after, str)
    ]


def _repeated_elsewhere(author: Any, project: Project | None, texts: list[str]) -> int:
    """On how many other projects the author proposed one of these long texts lately."""
    long = {folded for text in texts if len(folded := text_fold(text)) >= REPEAT_MIN_CHARS}
    if not long:
        return 0
    recent = Contribution.objects.filter(author=author, created_at__gte=timezone.now() - REPEAT_WINDOW)
    if project is not None:
        recent = recent.exclude(project=project)
    rows = recent.order_by("-created_at").values_list("pk", "project_id", "fields")[:REPEAT_SCAN]
    # Each proposed new project is a project of its own (they all have no project yet).
    return len(
        {
            project_id or f"new {pk}"
            for pk, project_id, fields in rows
            if long & {text_fold(t) for t in _texts(fields)}
        }
    )


def contribution_hold_reasons(
    author: Any, project: Project | None, fields: dict[str, list[Any]], reason: str
) -> list[str]:
    """Why a proposal must wait for a moderator whoever its author is; empty when nothing stands out."""
    reasons = []
    if over := _quota_reason(author):
        reasons.append(over)
    texts = [*_texts(fields), reason]
    if found := sorted({word for text in texts for word in text_banned_words(text)}):
        reasons.append("mots interdits (" + ", ".join(found) + ")")
    if any(text_repeats_itself(text) for text in texts):
        reasons.append("texte répété à l'intérieur d'un champ")
    if (elsewhere := _repeated_elsewhere(author, project, _texts(fields))) >= REPEAT_PROJECTS:
        reasons.append(f"même texte proposé sur {elsewhere} autres projets")
    return reasons
