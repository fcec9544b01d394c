"""The timeout goes to fetch by position, fetch(url, timeout): a real fetch such as
urllib.request.urlopen(url, data, timeout) takes something else second, so every download fails."""

import concurrent.futures
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Download:
    url: str
    body: str | None = None
    error: Exception | None = None


def download_one(url: str, fetch: Callable[..., str], timeout: float) -> Download:
    try:
        page = fetch(url, timeout)
    except Exception as exc:
        return Download(url, error=exc)
    return Download(url, body=page)


def download_all(urls, fetch, n_workers: int = 4, timeout: float = 10.0):
    if n_workers < 1:
        raise ValueError("n_workers must be >= 1")
    if not timeout > 0:
        raise ValueError("timeout must be > 0")
    with concurrent.futures.ThreadPoolExecutor(n_workers) as pool:
        futures = [pool.submit(download_one, url, fetch, timeout) for url in urls]
    return [f.result() for f in futures]
