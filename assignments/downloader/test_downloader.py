"""Public checks for downloader.py. Run them with `autograder check downloader` (or `pytest` here).

The race tests run your code under the grader's race engine, which decides which thread runs next
between every instruction of your code. Its clock is virtual: a fake download that "takes a
second" costs no real time, and the tests can see how many downloads ran at the same time.
"""

import threading
import time

from autograder.testing import expect, race_check

STUDENT_MODULE = "downloader"

PAGES = {"https://example.org/a": "apple", "https://example.org/b": "banana",
         "https://example.org/c": "cherry", "https://example.org/d": "date"}


class FakeWeb:
    """fetch(url, timeout): each page takes a (virtual) second; counts downloads running at once."""

    def __init__(self, broken=()):
        self.broken = set(broken)
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()  # the counters are shared by the downloading threads

    def fetch(self, url, *extra, timeout=None):
        if extra:  # urlopen(url, data, timeout) takes something else second
            raise TypeError("fetch() was called with the timeout as a second positional argument: "
                            "call fetch(url, timeout=timeout)")
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(1.0)
        finally:
            with self.lock:
                self.running -= 1
        if url in self.broken:
            raise ConnectionError(f"cannot reach {url}")
        return PAGES[url]


def test_one_worker(student):
    web = FakeWeb()
    result = student.download_all(list(PAGES), web.fetch, n_workers=1, timeout=5)
    expect([d.url for d in result] == list(PAGES), "download_all should return one Download per URL, in order.")
    expect([d.body for d in result] == list(PAGES.values()), f"The bodies are wrong: {[d.body for d in result]}.")


def test_a_broken_url_is_reported(student):
    web = FakeWeb(broken=["https://example.org/b"])
    result = student.download_all(list(PAGES), web.fetch, n_workers=2, timeout=5)
    broken = result[1]
    expect(isinstance(broken.error, ConnectionError) and broken.body is None,
           f"The Download of the broken URL should carry its ConnectionError; it is {broken!r}.", idea="error-report")


def test_downloads_overlap_but_at_most_n_workers(student):
    def body():
        before = set(threading.enumerate())
        web = FakeWeb()
        result = student.download_all(list(PAGES), web.fetch, n_workers=2, timeout=5)
        expect([d.url for d in result] == list(PAGES), "The Downloads should come back in the order of the URLs.",
               idea="input-order")
        expect(web.most <= 2, f"{web.most} downloads ran at once, but n_workers=2.", idea="pool-size")
        expect(web.most == 2, "The downloads never overlapped: each one waited for the one before.",
               idea="real-concurrency")
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        expect(not left, f"{len(left)} threads were still running when download_all returned.", idea="join")

    race_check(body, runs=10)
