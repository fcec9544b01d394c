"""ThreadPoolExecutor: pool.map over the URLs keeps their order."""

import concurrent.futures
from dataclasses import dataclass


@dataclass
class Download:
    url: str
    body: str | None = None
    error: Exception | None = None


def download_one(url, fetch, timeout):
    try:
        return Download(url, body=fetch(url, timeout=timeout))
    except Exception as exc:
        return Download(url, error=exc)


def check(n_workers, timeout):
    if n_workers < 1 or not timeout > 0:
        raise ValueError("need at least one worker and a timeout above 0")


def download_all(urls, fetch, n_workers=4, timeout=10.0):
    check(n_workers, timeout)
    with concurrent.futures.ThreadPoolExecutor(max_workers=n_workers) as pool:
        return list(pool.map(lambda url: download_one(url, fetch, timeout), urls))
