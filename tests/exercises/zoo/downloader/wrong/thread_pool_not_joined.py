"""A multiprocessing ThreadPool in a `with` block: its exit terminates the pool without joining the
worker threads, which may still be running when download_all returns."""

from multiprocessing.pool import ThreadPool
import threading  # noqa: F401 - you may use it
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
    except Exception as exc:  # noqa: BLE001 - one URL's failure is reported, not raised
        return Download(url, error=exc)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    """Download every URL with ``fetch(url, timeout=timeout)``, with at most ``n_workers``
    downloads running at the same time, and return one Download per URL, in the order of ``urls``.
    ValueError unless ``n_workers`` is at least 1 and ``timeout`` is more than 0."""
    # first check the arguments, before anything is downloaded
    if n_workers < 1:
        raise ValueError(f"n_workers must be at least 1, not {n_workers}")
    if not timeout > 0:
        raise ValueError(f"timeout must be more than 0 seconds, not {timeout}")
    # now download every URL, at most n_workers at a time, and return the Downloads in input order
    with ThreadPool(n_workers) as pool:
        return pool.starmap(download_one, [(url, fetch, timeout) for url in urls])
