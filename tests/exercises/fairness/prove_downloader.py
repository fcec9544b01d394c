"""Real-CPython checks of the downloader exercise, for ``prove.py downloader <sample.py>``.

Every check runs the sample's ``download_one``/``download_all`` with real threads (prove.py sets
the switch interval to 1e-6) and fake ``fetch(url, *, timeout)`` functions: sleeping ones that
record how many downloads run at once and in which thread, raising ones, and one whose server
never answers unless it is given a timeout. Each check returns None or what it saw.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from pathlib import Path

from prove import Checks, in_thread


class Boom(Exception):
    """An exception of a kind no network library raises: fetch's failures are any Exception."""


class Web:
    """``fetch(url, *, timeout)``: sleeps ``delay(url)`` real seconds, records concurrency, threads,
    timeouts and finishing times; raises ``failing[url]`` for the URLs chosen to fail; a URL in
    ``hanging`` never answers (30 s, "forever" here) unless given a timeout, then raises
    TimeoutError after it."""

    def __init__(self, pages: dict[str, str], delay=0.0, failing: dict[str, Exception] | None = None,
                 hanging: frozenset[str] = frozenset()) -> None:
        self.pages = pages
        self.delay = delay if callable(delay) else (lambda url, d=delay: d)
        self.failing = failing or {}
        self.hanging = hanging
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.calls: list[str] = []
        self.threads: list[threading.Thread] = []
        self.timeouts: list = []
        self.finished: dict[str, float] = {}
        self.raised: dict[str, Exception] = {}

    def __call__(self, url, *, timeout=None):
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self.calls.append(url)
            self.threads.append(threading.current_thread())
            self.timeouts.append(timeout)
        try:
            if url in self.hanging:
                threading.Event().wait(30.0 if timeout is None else timeout)
                error = TimeoutError(f"no answer from {url} within {timeout} s")
                self.raised[url] = error
                raise error
            d = self.delay(url)
            if d:
                time.sleep(d)
            else:
                sum(range(50))  # a little Python work, so threads can switch inside fetch
            if url in self.failing:
                self.raised[url] = self.failing[url]
                raise self.failing[url]
            return self.pages[url]
        finally:
            with self.lock:
                self.active -= 1
                self.finished[url] = time.monotonic()


def pages(n: int, tag: str = "p") -> dict[str, str]:
    """n URLs in no sorted order (sorting them by string would change their order)."""
    names = [f"https://{tag}{random.randrange(10**6):06d}-{i}.example/{random.choice('zyxabc')}" for i in range(n)]
    random.shuffle(names)
    if n > 1 and names == sorted(names):
        names.reverse()
    return {u: f"page of {u} " + "x" * random.randrange(30) for u in names}


def check_result(m, result, urls: list[str], web: Web) -> str | None:
    """One Download per URL, in input order, with its page or the very exception fetch raised."""
    if type(result) is not list:
        return f"returned {type(result).__name__}, not a list"
    if len(result) != len(urls):
        return f"returned {len(result)} items for {len(urls)} URLs"
    for i, (d, url) in enumerate(zip(result, urls)):
        if not isinstance(d, m.Download):
            return f"item {i} is {d!r}, not a Download"
        if d.url != url:
            return f"item {i} is the Download of {d.url!r}, expected {url!r} (order of urls lost)"
        if url in web.raised:
            if d.error is not web.raised[url] or d.body is not None:
                return f"{url}: fetch raised {web.raised[url]!r}, Download has error={d.error!r} body={d.body!r}"
        elif d.body != web.pages[url] or d.error is not None:
            return f"{url}: body={d.body!r} error={d.error!r}, expected its page"
    return None


def prove(m, c: Checks, folder: Path) -> None:
    rnd = random.Random(7)
    random.seed(11)

    def download_one():
        p = pages(1)
        url = next(iter(p))
        web = Web(p)
        d = m.download_one(url, web, 2.5)
        if not isinstance(d, m.Download) or d.url != url or d.body != p[url] or d.error is not None:
            return f"download_one on a good URL gave {d!r}"
        if web.timeouts != [2.5]:
            return f"fetch got timeout={web.timeouts}, expected [2.5]"
        for exc in (Boom("on purpose"), ValueError("bad"), ConnectionError("refused"), TimeoutError("slow"),
                    KeyError("k"), RuntimeError("r")):
            web = Web(p, failing={url: exc})
            try:
                d = m.download_one(url, web, 1.0)
            except BaseException as raised:  # noqa: BLE001
                return f"download_one raised {type(raised).__name__} from fetch instead of reporting it"
            if not isinstance(d, m.Download) or d.url != url or d.error is not exc or d.body is not None:
                return f"download_one with fetch raising {exc!r} gave {d!r}"

    def bad_arguments():
        p = pages(3)
        for n_workers, timeout in ((0, 1.0), (-2, 1.0), (2, 0), (2, 0.0), (2, -1.5), (0, -1)):
            web = Web(p, delay=0.01)
            before = set(threading.enumerate())
            try:
                m.download_all(list(p), web, n_workers, timeout)
            except ValueError:
                pass
            except BaseException as exc:  # noqa: BLE001
                return f"n_workers={n_workers}, timeout={timeout}: raised {type(exc).__name__}, not ValueError"
            else:
                return f"n_workers={n_workers}, timeout={timeout}: no ValueError"
            left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
            if web.calls or left:
                return f"n_workers={n_workers}, timeout={timeout}: {len(web.calls)} fetches, {len(left)} threads left"

    def order_and_bodies():
        for rep in range(6):
            for n_workers in (1, 2, 3, 5, 20):
                p = pages(12)
                urls = list(p)
                # later URLs are faster, with some noise: downloads finish roughly in reverse order
                delays = {u: 0.002 * (len(urls) - i) + rnd.random() * 0.003 for i, u in enumerate(urls)}
                web = Web(p, delay=delays.get)
                result = m.download_all(list(urls), web, n_workers, 5.0)
                problem = check_result(m, result, urls, web)
                if problem:
                    return f"rep {rep}, n_workers={n_workers}: {problem}"
        if (got := m.download_all([], Web({}), 3, 1.0)) != []:
            return f"download_all([]) gave {got!r}"

    def errors_reported():
        for rep in range(10):
            p = pages(10)
            urls = list(p)
            bad = rnd.sample(urls, 4)
            failing = {bad[0]: Boom("on purpose"), bad[1]: ValueError("no"), bad[2]: ConnectionError("down"),
                       bad[3]: KeyError("gone")}
            web = Web(p, delay=lambda u: rnd.random() * 0.004, failing=failing)
            try:
                result = m.download_all(list(urls), web, 3, 2.0)
            except BaseException as exc:  # noqa: BLE001
                return f"rep {rep}: download_all raised {type(exc).__name__}: {exc} (fetch failed for 4 of 10 URLs)"
            problem = check_result(m, result, urls, web)
            if problem:
                return f"rep {rep}: {problem}"
            if sorted(web.calls) != sorted(urls):
                return f"rep {rep}: {len(web.calls)} fetches for {len(urls)} URLs"

    def timeout_given_to_fetch():
        p = pages(7)
        for timeout in (0.75, 3, 12.5):
            web = Web(p, delay=0.001)
            m.download_all(list(p), web, 2, timeout)
            if web.timeouts != [timeout] * len(p):
                return f"download_all(..., timeout={timeout}) called fetch with timeouts {web.timeouts}"

    def never_answers():
        for rep in range(3):
            p = pages(5)
            urls = list(p)
            hanging = urls[rep]
            web = Web(p, delay=0.05, hanging=frozenset([hanging]))
            done, result = in_thread(lambda: m.download_all(list(urls), web, 2, 0.3), 5.0)  # noqa: B023 - called at once
            if not done:
                return f"rep {rep}: download_all(5 URLs, timeout=0.3) with one server that never answers did " \
                       "not return within 5 s"
            if isinstance(result, BaseException):
                return f"rep {rep}: raised {type(result).__name__}: {result}"
            problem = check_result(m, result, urls, web)
            if problem:
                return f"rep {rep}: {problem}"
            if not isinstance(result[rep].error, TimeoutError):
                return f"rep {rep}: the URL that never answers got {result[rep]!r}"

    def at_most_n_workers():
        for rep in range(3):
            for n_workers in (1, 2, 3, 4):
                p = pages(12)
                web = Web(p, delay=0.01)
                m.download_all(list(p), web, n_workers, 5.0)
                if web.peak > n_workers:
                    return f"rep {rep}: n_workers={n_workers} but {web.peak} downloads ran at once"

    def as_many_as_n_workers():
        # n_workers - 1 slow URLs first, then fast ones: a pool keeps the free worker busy with the
        # fast URLs while the slow ones run, so all fast ones finish before any slow one
        for rep in range(2):
            for n_workers in (2, 3):
                p = pages(n_workers - 1 + 10)
                urls = list(p)
                slow = set(urls[:n_workers - 1])
                web = Web(p, delay=lambda u, slow=slow: 0.4 if u in slow else 0.01)
                result = m.download_all(list(urls), web, n_workers, 5.0)
                problem = check_result(m, result, urls, web)
                if problem:
                    return f"rep {rep}, n_workers={n_workers}: {problem}"
                if web.peak < n_workers:
                    return f"rep {rep}: n_workers={n_workers} but at most {web.peak} downloads ran at once"
                first_slow = min(web.finished[u] for u in slow)
                late = [u for u in urls if u not in slow and web.finished[u] > first_slow]
                if late:
                    return (f"rep {rep}, n_workers={n_workers}: while {len(slow)} slow download(s) ran, fewer than "
                            f"{n_workers} downloads ran: {len(late)} of 10 fast URLs finished only after a slow one")

    def overlap_saves_time():
        for n_workers in (2, 4):
            p = pages(8)
            web = Web(p, delay=0.1)
            t0 = time.monotonic()
            m.download_all(list(p), web, n_workers, 5.0)
            took = time.monotonic() - t0
            limit = 0.8 / n_workers + 0.3
            if took > limit:
                return f"8 downloads of 0.1 s with n_workers={n_workers} took {took:.2f} s (over {limit:.2f})"

    def each_url_once():
        for rep in range(20):
            p = pages(300, tag=f"r{rep}")
            urls = list(p)
            n_workers = 2 + rep % 7
            web = Web(p)  # no sleeping: the workers interleave as finely as CPython lets them
            result = m.download_all(list(urls), web, n_workers, 1.0)
            twice = [u for u, k in Counter(web.calls).items() if k > 1]
            if twice or len(web.calls) != len(urls):
                return f"rep {rep}: {len(web.calls)} fetches for {len(urls)} URLs, {len(twice)} URLs twice"
            problem = check_result(m, result, urls, web)
            if problem:
                return f"rep {rep}: {problem}"

    def two_calls_at_once():
        for rep in range(15):
            mine = {name: pages(40, tag=name) for name in ("a", "b", "c")}
            webs = {name: Web(p, delay=(lambda u: rnd.random() * 0.002) if rep % 2 else 0.0,
                              failing={list(p)[rep % 40]: Boom(name)}) for name, p in mine.items()}
            got: dict = {}
            go = threading.Event()

            def caller(name):
                go.wait()  # noqa: B023 - the threads are joined in this iteration
                got[name] = m.download_all(list(mine[name]), webs[name], 3, 2.0)  # noqa: B023

            ts = [threading.Thread(target=caller, args=(name,)) for name in mine]
            for t in ts:
                t.start()
            go.set()
            for t in ts:
                t.join(20)
            for name, p in mine.items():
                if name not in got:
                    return f"rep {rep}: call {name} did not return"
                problem = check_result(m, got[name], list(p), webs[name])
                if problem:
                    return f"rep {rep}, call {name} of 3 at once: {problem}"

    def threads_joined():
        # the last two cases take longer per worker than `timeout`: nothing there lets the call return
        # before its workers are done
        for n_workers, n_urls, delay, timeout in ((3, 9, 0.05, 10.0), (1, 6, 0.1, 0.25), (2, 12, 0.1, 0.25)):
            p = pages(n_urls)
            urls = list(p)
            web = Web(p, delay=delay)
            before = set(threading.enumerate())
            result = m.download_all(list(urls), web, n_workers, timeout)
            left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
            busy = {t for t in web.threads if t is not threading.current_thread() and t.is_alive()}
            if left or busy:
                return (f"n_workers={n_workers}, {n_urls} URLs of {delay} s, timeout={timeout}: "
                        f"{len(set(left) | busy)} thread(s) still running "
                        f"after download_all returned, {sum(d is None for d in result)} results missing")
            problem = check_result(m, result, urls, web)
            if problem:
                return f"n_workers={n_workers}, timeout={timeout}: {problem}"

    c.run("download_one", download_one)
    c.run("bad_arguments", bad_arguments)
    c.run("order_and_bodies", order_and_bodies)
    c.run("errors_reported", errors_reported)
    c.run("timeout_given_to_fetch", timeout_given_to_fetch)
    c.run("never_answers_times_out", never_answers)
    c.run("at_most_n_workers", at_most_n_workers)
    c.run("as_many_as_n_workers", as_many_as_n_workers)
    c.run("overlap_saves_time", overlap_saves_time)
    c.run("each_url_once_stress", each_url_once)
    c.run("two_calls_at_once", two_calls_at_once)
    c.run("threads_joined", threads_joined)
