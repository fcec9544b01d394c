"""Results gathered with as_completed are sorted by URL string to "restore the order", which is alphabetical order, not the order of urls."""

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
    """Fetch one URL; never raise."""
    try:
        return Download(url, body=fetch(url, timeout=timeout))
    except Exception as exc:
        return Download(url, error=exc)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    """Download every URL, at most n_workers at a time, Downloads in the order of urls."""
    # first check the arguments, before anything is downloaded
    if n_workers < 1:
        raise ValueError("n_workers must be at least 1")
    if timeout <= 0:
        raise ValueError("timeout must be > 0")

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=n_workers) as pool:
        futures = [pool.submit(download_one, url, fetch, timeout) for url in urls]
        for future in concurrent.futures.as_completed(futures):
            results.append(future.result())
    # as_completed mixes them up, so sort them back by url
    results.sort(key=lambda d: d.url)
    return results
