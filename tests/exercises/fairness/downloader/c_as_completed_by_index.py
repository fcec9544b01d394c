"""ThreadPoolExecutor results are collected with as_completed but each is stored at its URL's index in a preallocated list, so the order is kept."""

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
        body = fetch(url, timeout=timeout)
        return Download(url=url, body=body)
    except Exception as e:
        # a dead server should only cost this one URL
        return Download(url=url, error=e)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    # check the arguments before anything is downloaded
    if n_workers < 1:
        raise ValueError(f"n_workers should be >= 1, got {n_workers!r}")
    if not timeout > 0:
        raise ValueError(f"timeout should be > 0, got {timeout!r}")

    out: list[Download | None] = [None] * len(urls)
    with concurrent.futures.ThreadPoolExecutor(max_workers=n_workers) as ex:
        # remember which position each future belongs to
        where = {ex.submit(download_one, u, fetch, timeout): i for i, u in enumerate(urls)}
        # as_completed hands them back in finishing order, so put each one in its own slot
        for fut in concurrent.futures.as_completed(where):
            out[where[fut]] = fut.result()
    # the with block has shut the pool down (and waited for its threads) here
    return out  # type: ignore[return-value]
