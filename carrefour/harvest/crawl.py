"""Child-process entry point running one Scrapy crawl: `python -m carrefour.harvest.crawl < config.json`.

Why a child process: Twisted's reactor can start only once per process, yet a Django process (the
`harvest` command, a test session, a future scheduler) harvests many times. Running each crawl in a
fresh interpreter gives a clean reactor every time, keeps the Django ORM out of the reactor thread,
and frees the crawl's memory when it ends. The child does not touch the database: it streams JSON
lines on stdout (page / record / reject / fatal / list_error / lookup… / done), and the parent stores them.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

from scrapy.crawler import CrawlerProcess

from carrefour.harvest.forms import form_needs_cookies
from carrefour.harvest.spider import DefinitionSpider
from carrefour.sources.bounds import LOCAL_FILES, MAX_TOTAL_MB, ONLY_HOSTS

DEFAULT_MAX_SIZE_MB = 64


def crawl_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Scrapy settings for one source: politeness from its definition, safety caps for all."""
    politeness = config["definition"].get("politeness") or {}
    delay = float(politeness.get("delay", 0.5))
    concurrency = int(politeness.get("concurrency", 2))
    max_size = int(float(politeness.get("max_size_mb", DEFAULT_MAX_SIZE_MB)) * 1024 * 1024)
    return {
        "USER_AGENT": config["user_agent"],
        "ROBOTSTXT_OBEY": politeness.get("obey_robots", True),
        "CONCURRENT_REQUESTS": max(8, concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": delay,
        # The delay is the politeness we promise (e.g. under an API's rate limit): no random shortening.
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": delay,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": int(politeness.get("retries", 3)),
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "DOWNLOAD_TIMEOUT": float(politeness.get("timeout", 30)),
        "DOWNLOAD_MAXSIZE": max_size,
        "DOWNLOAD_WARNSIZE": max_size // 2,
        "CLOSESPIDER_TIMEOUT": float(politeness.get("max_duration", 3600)),
        "CLOSESPIDER_PAGECOUNT": int(politeness.get("max_pages", 0)),
        # Only a search form needs cookies: its token is bound to the session cookie set with it.
        "COOKIES_ENABLED": form_needs_cookies(config["definition"]),
        # Checks the address each connection uses (DNS rebinding), beside HostGuardMiddleware's check.
        "TWISTED_DNS_RESOLVER": "carrefour.harvest.resolver.GuardedResolver",
        "TELNETCONSOLE_ENABLED": False,
        # Conditional GET (ETag / Last-Modified): an unchanged file costs a 304, not a download.
        "HTTPCACHE_ENABLED": bool(config.get("cache_dir")),
        "HTTPCACHE_DIR": config.get("cache_dir") or "httpcache",
        "HTTPCACHE_POLICY": "carrefour.harvest.middlewares.RevalidatePolicy",
        "HTTPCACHE_IGNORE_HTTP_CODES": [*range(300, 304), *range(305, 600)],
        "LOG_LEVEL": config.get("log_level", "WARNING"),
        "DOWNLOADER_MIDDLEWARES": {
            "carrefour.harvest.middlewares.HostGuardMiddleware": 40,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "carrefour.harvest.middlewares.RetryAfterMiddleware": 550,
        },
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            "carrefour.harvest.middlewares.PoliteThrottle": 0,
            "carrefour.harvest.middlewares.TotalSizeCap": 0,
        },
        "CARREFOUR_ALLOWED_HOSTS": config.get("allowed_hosts", []),
        "CARREFOUR_LOCAL_FILES": politeness.get(LOCAL_FILES, True),
        "CARREFOUR_ONLY_HOSTS": politeness.get(ONLY_HOSTS, []),
        "CARREFOUR_MAX_TOTAL_BYTES": int(float(politeness.get(MAX_TOTAL_MB, 0)) * 1024 * 1024),
    }


def main() -> int:
    """Read the config on stdin, crawl, write events on stdout."""
    config = json.loads(sys.stdin.read())
    # Events get the real stdout; anything else printing to stdout lands on stderr instead.
    events = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def emit(event: dict[str, Any]) -> None:
        events.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    process = CrawlerProcess(settings=crawl_settings(config), install_root_handler=False)
    crawler = process.create_crawler(DefinitionSpider)
    process.crawl(
        crawler,
        definition=config["definition"],
        emit=emit,
        known=config.get("known") or {},
        lookups=config.get("lookups") or {},
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    emit(
        {
            "type": "done",
            "finish_reason": str(stats.get("finish_reason", "")),
            "responses": int(stats.get("response_received_count", 0)),
            "requests": int(stats.get("downloader/request_count", 0)),
            "not_modified": int(stats.get("httpcache/revalidate", 0)),
        }
    )
    events.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
