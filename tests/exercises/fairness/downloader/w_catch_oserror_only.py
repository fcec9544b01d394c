"""download_one catches only network errors (OSError, TimeoutError), so any other exception of fetch escapes from download_all."""

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
    """Fetch one URL with ``fetch(url, timeout=timeout)``; return a Download with its body, or with
    the exception fetch raised (never raise it)."""
    try:
        return Download(url, body=fetch(url, timeout=timeout))
    # urlopen and requests raise OSError subclasses (URLError, ConnectionError) or TimeoutError;
    # I don't want to hide real bugs with a bare except
    except (OSError, TimeoutError) as network_error:
        return Download(url, error=network_error)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    """Download every URL with at most ``n_workers`` at once, results in the order of ``urls``."""
    # first check the arguments, before anything is downloaded
    if n_workers < 1:
        raise ValueError(f"n_workers must be at least 1, not {n_workers}")
    if not timeout > 0:
        raise ValueError(f"timeout must be more than 0, not {timeout}")
    # now download every URL, at most n_workers at a time, and return the Downloads in input order
    with concurrent.futures.ThreadPoolExecutor(max_workers=n_workers) as executor:
        pending = [executor.submit(download_one, url, fetch, timeout) for url in urls]
        return [p.result() for p in pending]
