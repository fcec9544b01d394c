"""URLs are downloaded in batches of n_workers and each batch waits for its slowest download, so fewer than n_workers run while URLs are left."""

import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Download:
    """What happened to one URL: its page, or the exception that fetching it raised."""

    url: str
    body: str | None = None  # the page, if the download worked
    error: Exception | None = None  # what fetch raised, if it did not


def download_one(url: str, fetch: Callable[..., str], timeout: float) -> Download:
    try:
        return Download(url, body=fetch(url, timeout=timeout))
    except Exception as exc:  # report it, don't raise it
        return Download(url, error=exc)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    if n_workers < 1:
        raise ValueError("n_workers must be >= 1")
    if timeout <= 0:
        raise ValueError("timeout must be > 0")

    results: list[Download] = []
    # split the work into batches of n_workers URLs: never more than n_workers at once
    for start in range(0, len(urls), n_workers):
        batch = urls[start:start + n_workers]
        with concurrent.futures.ThreadPoolExecutor(max_workers=n_workers) as pool:
            results.extend(pool.map(lambda u: download_one(u, fetch, timeout), batch))
    return results
