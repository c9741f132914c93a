"""Bounds of partner-declared sources: public http(s) hosts only, capped pages, time and size."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from carrefour.sources.addresses import host_refusal
from carrefour.sources.definitions import definition_frequency_hours

PARTNER = "partner"  # Source.Origin.PARTNER, without importing the models (the crawl child has no Django)

# Key of the bounded `politeness` block telling the crawl child whether file:// start URLs may be read;
# not in the schema, so no definition can set it: only source_definition_bounded does.
LOCAL_FILES = "local_files"
# Key of the bounded `politeness` block listing the only hosts a partner's crawl may fetch from (those of
# its start URLs and base URL, validated by the administrators); same status as LOCAL_FILES.
ONLY_HOSTS = "only_hosts"
# Key of the bounded `politeness` block capping the bytes of all a partner's crawl downloads in one run
# (max_size_mb caps each response only); same status as LOCAL_FILES.
MAX_TOTAL_MB = "max_total_mb"
# Key of the bounded `politeness` block capping the codes of each lookup table of a partner's crawl (a
# table past it fails like an unreadable one); same status as LOCAL_FILES.
MAX_LOOKUP_ENTRIES = "max_lookup_entries"
# Finish reason of a crawl stopped by that cap (harvest.middlewares.TotalSizeCap; harvest.services words it).
TOTAL_SIZE_REASON = "carrefour_max_total_size"

# The least politeness a partner's crawl owes the sites it reads, whatever its definition says: at most
# ten requests a second per host (the rate public APIs commonly allow; the crawl's default stays 0.5 s),
# so that a partner's own API can still be previewed in seconds.
PARTNER_MIN_DELAY = 0.1
PARTNER_MAX_CONCURRENCY = 2
PARTNER_MIN_FREQUENCY_HOURS = 24

# At most this many start URLs in a partner's definition: each is a host to check on every save.
PARTNER_MAX_START_URLS = 20
# At most this many lookup tables in a partner's definition (each URL is a host checked on every save),
# of at most this many codes each (a real taxonomy or legend holds a few hundred).
PARTNER_MAX_LOOKUPS = 10
PARTNER_MAX_LOOKUP_ENTRIES = 5000
# The DNS checks of a definition being saved or previewed, all hosts together, end after this many
# seconds: a host still resolving is let through as an unresolved one is, since every fetch checks its
# address again (HostGuardMiddleware, GuardedResolver); a slow DNS zone cannot hold a web thread.
DNS_DEADLINE_SECONDS = 10.0
DNS_THREADS = 8

# Crawl defaults (carrefour.harvest.crawl) a partner's cap applies to when the definition is silent.
DEFAULT_MAX_DURATION = 3600


def _origin(source_or_origin: Any) -> str:
    """The origin of a Source row, or the origin given as a string."""
    return str(getattr(source_or_origin, "origin", source_or_origin))


def source_definition_bounded(
    source_or_origin: Any, definition: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The definition with politeness capped for partner sources, and the hosts its crawl may reach."""
    if _origin(source_or_origin) != PARTNER:
        return definition, list(settings.HARVEST_ALLOWED_HOSTS)
    bounded = copy.deepcopy(definition)
    politeness = dict(bounded.get("politeness") or {})
    caps = {
        "max_pages": (settings.PARTNER_MAX_PAGES, None),
        "max_duration": (settings.PARTNER_MAX_SECONDS, DEFAULT_MAX_DURATION),
        "max_size_mb": (settings.PARTNER_MAX_MB, None),
    }
    for key, (cap, default) in caps.items():
        declared = politeness.get(key, default)
        politeness[key] = cap if declared is None else min(declared, cap)
    politeness["obey_robots"] = True
    politeness["delay"] = max(float(politeness.get("delay", PARTNER_MIN_DELAY)), PARTNER_MIN_DELAY)
    politeness["concurrency"] = min(
        int(politeness.get("concurrency", PARTNER_MAX_CONCURRENCY)), PARTNER_MAX_CONCURRENCY
    )
    politeness[LOCAL_FILES] = False
    politeness[MAX_TOTAL_MB] = settings.PARTNER_MAX_MB
    politeness[MAX_LOOKUP_ENTRIES] = PARTNER_MAX_LOOKUP_ENTRIES
    politeness[ONLY_HOSTS] = sorted(_hostnames(bounded))
    bounded["politeness"] = politeness
    return bounded, list(settings.PARTNER_ALLOWED_HOSTS)


def _lookup_urls(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(key path, URL) of a definition's lookup tables: fetched like its start URLs."""
    lookups = definition.get("lookups")
    if not isinstance(lookups, dict):
        return []
    return [
        (f"lookups.{name}.url", str(spec.get("url") or ""))
        for name, spec in lookups.items()
        if isinstance(spec, dict)
    ]


def _hostnames(definition: dict[str, Any]) -> set[str]:
    """Host names of a resolved definition's start URLs, lookup tables and base URL."""
    urls = [*(definition.get("start_urls") or []), definition.get("base_url") or ""]
    urls += [url for _path, url in _lookup_urls(definition)]
    return {host for host in (urlsplit(str(url)).hostname for url in urls) if host}


def source_hosts(definition: dict[str, Any]) -> set[str]:
    """Where a definition fetches from: scheme://host:port of its URLs, the whole of a hostless one."""
    base = str(definition.get("base_url") or "").rstrip("/")
    written = [*(definition.get("start_urls") or []), *(url for _path, url in _lookup_urls(definition))]
    urls = [str(url).replace("{base_url}", base) for url in written]
    hosts = set()
    for url in [*urls, base] if base else urls:
        parts = urlsplit(url)
        # A local path, {shared_dir}/… or file:///… has no host: the server's files. Each path is its
        # own place, so that moving to another file (the server's secrets) is reviewed as a new host.
        hosts.add(f"{parts.scheme}://{parts.netloc.lower()}" if parts.netloc else url)
    return hosts


def definition_partner_problems(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(key path, message) of every URL a partner-declared definition may not fetch."""
    base = str(definition.get("base_url") or "").rstrip("/")
    urls = [("base_url", base)] if base else []
    urls += [(f"start_urls[{i}]", str(url)) for i, url in enumerate(definition.get("start_urls") or [])]
    urls += _lookup_urls(definition)
    problems = []
    if definition_frequency_hours(definition) < PARTNER_MIN_FREQUENCY_HOURS:
        problems.append(
            (
                "frequency",
                "moissonnée au plus une fois par jour pour un partenaire : daily, weekly ou monthly",
            )
        )
    if len(definition.get("start_urls") or []) > PARTNER_MAX_START_URLS:
        count = len(definition.get("start_urls") or [])
        message = (
            f"au plus {PARTNER_MAX_START_URLS} adresses de départ pour une source partenaire ({count} ici)"
        )
        return [*problems, ("start_urls", message)]  # no DNS check of so many hosts
    lookups = definition.get("lookups")
    if isinstance(lookups, dict) and len(lookups) > PARTNER_MAX_LOOKUPS:
        message = (
            f"au plus {PARTNER_MAX_LOOKUPS} tables de correspondance pour une source partenaire "
            f"({len(lookups)} ici)"
        )
        return [*problems, ("lookups", message)]  # no DNS check of so many hosts
    checked: list[tuple[str, str, str]] = []
    for path, url in urls:
        if "{shared_dir}" in url:
            problems.append(
                (path, "{shared_dir} n'est pas permis dans la source d'un partenaire (fichiers du serveur)")
            )
            continue
        full = url.replace("{base_url}", base)
        try:
            scheme = urlsplit(full).scheme
        except ValueError as exc:  # "http://[x/": an unparseable host
            problems.append((path, f"{url!r} : adresse invalide ({exc})"))
            continue
        if scheme not in {"http", "https"}:
            problems.append((path, f"{url!r} : seules les adresses http:// et https:// sont permises"))
            continue
        if not urlsplit(full).hostname:
            problems.append((path, f"{url!r} : l'adresse ne nomme aucun hôte"))
            continue
        checked.append((path, url, full))
    refusals = _refusals([full for _path, _url, full in checked])
    for path, url, full in checked:
        if refusals.get(full):
            # A partner editing a definition is told why without the address the host resolves to.
            problems.append((path, f"{url!r} : hôte refusé, il mène à une adresse privée ou locale"))
    return problems


def _refusals(urls: list[str]) -> dict[str, str | None]:
    """host_refusal of each URL checked within DNS_DEADLINE_SECONDS, in parallel; late ones are left out."""
    if not urls:
        return {}
    allowed = [host.lower() for host in settings.PARTNER_ALLOWED_HOSTS]
    unique = sorted(set(urls))
    pool = ThreadPoolExecutor(max_workers=min(DNS_THREADS, len(unique)), thread_name_prefix="dns-check")
    futures = {url: pool.submit(host_refusal, url, allowed, unresolved_ok=True) for url in unique}
    wait(futures.values(), timeout=DNS_DEADLINE_SECONDS)
    # Lookups still running end on their own (getaddrinfo cannot be interrupted); none waits to start.
    pool.shutdown(wait=False, cancel_futures=True)
    return {
        url: future.result() for url, future in futures.items() if future.done() and not future.cancelled()
    }
