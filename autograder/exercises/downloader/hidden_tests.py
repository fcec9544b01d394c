"""Hidden suite for downloader.py: 25 points. Runs the student's code under the race engine.

The student's ``download_all`` is given the grader's ``fetch``: a fake web (no network) that records
which thread fetches which URL and how many downloads run at the same time, takes a moment of the
engine's virtual clock per page (so downloads that can overlap do, and a page's delay decides when
it finishes), fails on purpose for some URLs, and for one URL never answers unless it is given a
timeout. Waiting costs no real time, and a download that waits forever is reported as a deadlock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from autograder import race
from autograder.exercises.harness import Overlap, fail, new_threads_alive, plain, plain_each, plural, solo, when_stuck
from autograder.testing import IDEAS, Mistake, expect, race_check
from autograder.testing.feedback import CONTEXT

STUDENT_MODULE = "downloader"

TIMEOUT = 3.0  # seconds (virtual) the suite's calls give each download


class FetchFailed(Exception):
    """What the grader's fetch raises, on purpose, for the URLs chosen to fail."""


class _Web:
    """The grader's ``fetch(url, timeout=None)``."""

    def __init__(self, pages: dict[str, str], *, seconds: float | dict[str, float] = 0.0,
                 failing: frozenset[str] = frozenset(), hanging: frozenset[str] = frozenset()) -> None:
        self.pages = pages
        self.seconds = seconds
        self.failing = failing
        self.hanging = hanging
        self.calls = Overlap(timeline=True)
        self.raised: dict[str, Exception] = {}
        self.timeouts: list[Any] = []
        self.misuse = ""  # how fetch was first called against the task's fetch(url, timeout=timeout)

    def reset(self) -> Overlap:
        self.calls = Overlap(timeline=True)
        self.raised = {}
        self.timeouts = []
        self.misuse = ""
        return self.calls

    def _refuse(self, message: str) -> TypeError:
        self.misuse = self.misuse or message
        return TypeError(message)

    def __call__(self, url: str, *extra: Any, timeout: float | None = None) -> str:
        if extra:
            # urllib.request.urlopen(url, data, timeout) and requests.get(url, params, ...) take other
            # things second: a real fetch called this way would not get the timeout
            raise self._refuse("fetch() was called with the timeout as a second positional argument, so every "
                               "download failed with a TypeError. Call fetch(url, timeout=timeout), as the task "
                               "says: a real fetch such as urllib's urlopen(url, data, timeout) takes something "
                               "else second.")
        # an object of the student's own could answer the suite's `in`, `==` and `<` as it likes
        if type(url) is not str:
            raise self._refuse(f"fetch() takes a URL as a plain str, not {type(url).__name__}: pass the URLs you "
                               "were given")
        if type(timeout) not in (int, float, type(None)):
            raise self._refuse(f"fetch()'s timeout must be a plain number or None, not {type(timeout).__name__}")
        if url not in self.pages:
            raise ValueError(f"fetch() was called with {url!r}, which is not one of the URLs it was given")
        self.timeouts.append(timeout)
        self.calls.enter(url)
        try:
            if url in self.hanging:
                if timeout is None:
                    threading.Event().wait()  # a server that never answers: waits forever
                time.sleep(timeout)
                error: Exception = TimeoutError(f"no answer from {url} within {timeout} s")
                self.raised[url] = error
                raise error
            delay = self.seconds.get(url, 0.0) if isinstance(self.seconds, dict) else self.seconds
            if delay:
                time.sleep(delay)  # other threads run meanwhile
            else:
                race.checkpoint("fetch: downloading")
        finally:
            self.calls.leave()
        if url in self.failing:
            error = FetchFailed(f"the grader's fetch() failed for {url} on purpose")
            self.raised[url] = error
            raise error
        return self.pages[url]


def _pages(fake, n: int) -> dict[str, str]:
    return {f"{fake.unique.uri()}#{i}": fake.text(max_nb_chars=fake.random_int(20, 120)) for i in range(n)}


def _check_downloads(result: Any, urls: list[str], web: _Web, call: str) -> None:
    """One Download per URL, in input order, each with its page or with the exception fetch raised."""
    if web.misuse:
        fail(f"While {call} ran: {web.misuse}")
    twice = web.calls.repeated()
    if twice:
        fail(f"{call} downloaded {plural(len(twice), 'URL')} more than once, for example {twice[0]!r}: taking the "
             "next URL must be one atomic step.", idea="work-twice")
    skipped = [url for url in urls if url not in web.calls.args]
    if skipped:
        fail(f"{call} never downloaded {len(skipped)} of the {len(urls)} URLs, for example {skipped[0]!r}.",
             idea="work-twice")
    if type(result) is not list and isinstance(result, list):
        plain(result, list, call)
    if type(result) is not list or len(result) != len(urls):
        got = f"{len(result)} items" if type(result) is list else repr(result)
        fail(f"{call} should return a list of {len(urls)} Downloads, one per URL; it returned {got}.")
    got_urls = plain_each([getattr(d, "url", None) for d in result], (str, type(None)), "a Download's url")
    if got_urls != urls:
        if sorted(map(str, got_urls)) == sorted(urls):
            first = next(i for i, (a, b) in enumerate(zip(got_urls, urls)) if a != b)
            fail(f"{call} returned its Downloads in the order the downloads finished, not in the order of the URLs: "
                 f"position {first} holds {got_urls[first]!r} instead of {urls[first]!r}.", idea="input-order")
        empty = [url for url, download in zip(urls, result) if download is None]
        if empty and all(got in (url, None) for got, url in zip(got_urls, urls)):
            # places the workers had not filled yet: the call returned before its threads finished
            fail(f"{call} returned None instead of a Download for {plural(len(empty), 'URL')}, for example "
                 f"{empty[0]!r}: it returned before the worker downloading it had finished. Wait for every thread "
                 "(join() without a timeout) or every future before returning.", idea="join")
        fail(f"{call} returned Downloads for the wrong URLs: {got_urls!r} instead of {urls!r}.", idea="shared-state")
    for download in result:
        url = download.url
        body, error = getattr(download, "body", None), getattr(download, "error", None)
        plain(body, (str, type(None)), f"the body of the Download for {url!r}")
        if url in web.raised:
            if error is not web.raised[url] or body is not None:
                fail(f"fetch({url!r}) raised {web.raised[url]!r}; its Download should carry that exception as "
                     f"`error` and no body, but it has error={error!r}, body={body!r}.", idea="error-report")
        elif body != web.pages[url] or error is not None:
            fail(f"The Download for {url!r} should carry the page fetch returned and no error; it has "
                 f"body={body!r}, error={error!r}.")


_RAISED = ("fetch() raised an exception for one URL (the grader's {name}, on purpose), and it escaped from "
           "download_all instead of being reported in that URL's Download.")


def _check(body: Callable[[], None], *, runs: int, idea: str, what: Any = None, max_steps: int = 100_000) -> None:
    """``race_check``; an exception of the grader's fetch escaping from the student's code teaches error
    reporting even when it happens without any thread switch (race_check then reports a plain exception)."""
    try:
        race_check(body, runs=runs, idea=idea, what=what, max_steps=max_steps)
    except Mistake as mistake:
        for name in ("FetchFailed", "TimeoutError"):
            if mistake.what.startswith(f"Your code raised {name}") or mistake.what.startswith(f"in {name}"):
                raise Mistake(_RAISED.format(name=name), idea=IDEAS["error-report"], excerpt=mistake.excerpt,
                              replay=CONTEXT.replay) from None
        raise


def _escaped(call: str) -> Callable[[race.Outcome], str]:
    return when_stuck(f"{call} never finished: some thread waited forever.",
                      crashed=f"A thread of {call} crashed with {{error}}: an exception of fetch() for one URL escaped "
                              "instead of being reported in that URL's Download.",
                      crash_types=("FetchFailed", "TimeoutError"))


# ------------------------------------------------------------------------ one thread, bad input


@pytest.mark.points(2)
def test_one_worker_downloads_every_url_in_order(student, fake):
    """With one worker, with more workers than URLs, and with no URLs at all."""
    pages = _pages(fake, 4)
    urls = list(pages)
    web = _Web(pages)

    def body():
        for case, n_workers in ((urls, 1), (urls[:2], 5), ([], 2)):
            web.reset()
            call = f"download_all({len(case)} URLs, n_workers={n_workers})"
            _check_downloads(student.download_all(list(case), web, n_workers, TIMEOUT), list(case), web, call)
        expect(all(t == TIMEOUT for t in web.timeouts),
               f"download_all(..., timeout={TIMEOUT}) should call fetch(url, timeout={TIMEOUT}); it passed timeout="
               f"{next((t for t in web.timeouts if t != TIMEOUT), None)!r}.", idea="download-timeout")

    solo(body, what=when_stuck("download_all never finished with a single worker: some thread waited forever."))


@pytest.mark.points(2)
def test_bad_arguments_are_refused(student, fake):
    """n_workers below 1 and a timeout of 0 or less raise ValueError, before anything is downloaded."""
    pages = _pages(fake, 2)
    web = _Web(pages)

    def body():
        for n_workers, timeout in ((0, TIMEOUT), (-2, TIMEOUT), (2, 0), (2, -1.5)):
            web.reset()
            before = set(threading.enumerate())
            try:
                student.download_all(list(pages), web, n_workers, timeout)
            except ValueError:
                pass
            else:
                fail(f"download_all(urls, fetch, n_workers={n_workers}, timeout={timeout}) should raise ValueError: "
                     "at least one worker is needed, and a timeout must be more than 0 seconds.")
            expect(not web.calls.args, f"download_all(..., n_workers={n_workers}, timeout={timeout}) downloaded "
                                       "pages before refusing its arguments: check them first.")
            left = new_threads_alive(before)
            expect(not left, f"download_all(..., n_workers={n_workers}, timeout={timeout}) raised ValueError but left "
                             f"{plural(len(left), 'thread')} running: check the arguments before starting threads.")

    solo(body, what=when_stuck("download_all with bad arguments never finished."))


# ------------------------------------------------------------------------ safety


@pytest.mark.points(3)
def test_a_failing_url_is_reported_not_raised(student, fake):
    """A URL whose fetch raises gets a Download with that error; the others are downloaded as usual."""
    pages = _pages(fake, 6)
    urls = list(pages)
    web = _Web(pages, seconds=0.5, failing=frozenset([urls[0], urls[4]]))
    call = "download_all(6 URLs, n_workers=3), where fetch() fails for 2 of them,"

    def body():
        web.reset()
        _check_downloads(student.download_all(list(urls), web, 3, TIMEOUT), urls, web, call)

    _check(body, runs=5, idea="error-report", what=_escaped(call))


@pytest.mark.points(3)
def test_results_come_back_in_input_order(student, fake):
    """The Downloads come back in the order of the URLs, whatever order the downloads finish in."""
    pages = _pages(fake, 6)
    urls = list(pages)
    web = _Web(pages, seconds={url: float(len(urls) - i) for i, url in enumerate(urls)})  # later URLs are faster
    n_workers = fake.random_int(2, 3)
    call = f"download_all(6 URLs, n_workers={n_workers}), where later URLs download faster,"

    def body():
        web.reset()
        _check_downloads(student.download_all(list(urls), web, n_workers, 10.0), urls, web, call)

    _check(body, runs=5, idea="input-order", what=_escaped(call))


@pytest.mark.points(3)
def test_each_url_is_downloaded_exactly_once(student, fake):
    """The workers share out the URLs: none is downloaded twice or skipped, no result is lost."""
    pages = _pages(fake, 8)
    urls = list(pages)
    n_workers = fake.random_int(2, 4)
    web = _Web(pages)  # no time passes in fetch, so the workers interleave finely
    call = f"download_all({len(urls)} URLs, n_workers={n_workers})"

    def body():
        web.reset()
        _check_downloads(student.download_all(list(urls), web, n_workers, TIMEOUT), urls, web, call)

    stuck = when_stuck(f"The workers of {call} never finished.",
                       crashed=f"A worker of {call} crashed with {{error}}: between looking at the shared list of URLs "
                               "and taking one, another worker changed it. Taking a URL must be one atomic step.")
    _check(body, runs=30, idea="work-twice", what=stuck)


@pytest.mark.points(3)
def test_two_calls_at_once_keep_their_own_results(student, fake):
    """Two threads the test starts call download_all at the same time; each gets exactly its own Downloads."""
    pages = _pages(fake, 6)
    urls = list(pages)
    mine = {"first": urls[:3], "second": urls[3:]}
    web = _Web(pages, seconds=0.5)

    def body():
        web.reset()
        got: dict[str, Any] = {}

        def caller(name):
            got[name] = student.download_all(list(mine[name]), web, 2, TIMEOUT)

        threads = [threading.Thread(target=caller, args=(name,)) for name in mine]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for name, wanted in mine.items():
            result = got.get(name)
            if isinstance(result, list) and type(result) is not list:
                plain(result, list, "download_all")
            urls_back = (plain_each([getattr(d, "url", None) for d in result], (str, type(None)), "a Download's url")
                         if type(result) is list else result)
            if urls_back != wanted:
                fail(f"Two threads called download_all at the same time, with 3 URLs each. The {name} call should get "
                     f"back the Downloads of its own URLs, {wanted!r}, but got {urls_back!r}: results kept at module "
                     "level (or in a class attribute) are shared by every call. Keep them in local variables.",
                     idea="shared-state")

    _check(body, runs=10, idea="shared-state", what=_escaped("download_all, called from two threads at once,"))


# ------------------------------------------------------------------------ liveness


@pytest.mark.points(3)
def test_a_download_that_never_answers_times_out(student, fake):
    """A server that never answers costs one TimeoutError in its Download; the other URLs still arrive."""
    pages = _pages(fake, 5)
    urls = list(pages)
    hanging = urls[fake.random_int(0, 2)]
    web = _Web(pages, seconds=1.0, hanging=frozenset([hanging]))
    call = f"download_all(5 URLs, n_workers=2, timeout={TIMEOUT})"

    def body():
        web.reset()
        result = student.download_all(list(urls), web, 2, TIMEOUT)
        _check_downloads(result, urls, web, call)
        error = result[urls.index(hanging)].error
        expect(isinstance(error, TimeoutError),
               f"The download of {hanging!r} never answers; its Download should carry a TimeoutError, not {error!r}.",
               idea="download-timeout")

    stuck = when_stuck(f"{call} never finished: the server of {hanging!r} never answers, and its download waited "
                       f"forever. Give the timeout to fetch itself (fetch(url, timeout={TIMEOUT})), so that the "
                       "download gives up; waiting for the result with a timeout leaves the worker stuck.")
    _check(body, runs=5, idea="download-timeout", what=stuck)


@pytest.mark.points(2)
def test_every_worker_thread_is_joined(student, fake):
    """download_all waits for every thread it started (or the pool's threads) before it returns."""
    pages = _pages(fake, 5)
    urls = list(pages)
    web = _Web(pages, seconds=0.5)

    def body():
        web.reset()
        before = set(threading.enumerate())
        result = student.download_all(list(urls), web, 3, TIMEOUT)
        left = new_threads_alive(before)
        expect(not left, f"{plural(len(left), 'thread was', 'threads were')} still running when download_all "
                         "returned: shut the pool down (a `with ThreadPoolExecutor(...)` block does; a multiprocessing "
                         "ThreadPool needs pool.close() and pool.join(), its `with` block does not wait) or join "
                         "every thread you started before you return.", idea="join")
        _check_downloads(result, urls, web, "download_all(5 URLs, n_workers=3)")

    _check(body, runs=5, idea="join", what=_escaped("download_all(5 URLs, n_workers=3)"))


# ------------------------------------------------------------------------ concurrency


@pytest.mark.points(2)
def test_never_more_than_n_workers_at_once(student, fake):
    """At most n_workers downloads run at the same time, also after some of them failed."""
    pages = _pages(fake, 8)
    urls = list(pages)
    n_workers = fake.random_int(2, 3)
    # two early failures: a slot must come back once per download, whatever way the download ended
    web = _Web(pages, seconds=1.0, failing=frozenset([urls[0], urls[2]]))
    call = f"download_all({len(urls)} URLs, n_workers={n_workers}), where fetch() fails for 2 of them,"

    def body():
        calls = web.reset()
        student.download_all(list(urls), web, n_workers, TIMEOUT)
        expect(calls.most <= n_workers,
               f"{call} ran {calls.most} downloads at the same time: n_workers={n_workers} is a limit, so at most "
               f"{n_workers} may run at once.", idea="pool-size")

    _check(body, runs=5, idea="pool-size", what=_escaped(call))

    # the limit is this call's own, whatever else runs in the program: another call with more workers,
    # started a moment earlier, ends while this one still has URLs to go (a limit taken from
    # threading.active_count() then lets this call run more)
    other_pages, mine_pages = _pages(fake, 4), _pages(fake, 8)
    other_web, mine_web = _Web(other_pages, seconds=0.5), _Web(mine_pages, seconds=1.0)
    beside = (f"download_all({len(mine_pages)} URLs, n_workers=2), called while another thread's "
              f"download_all({len(other_pages)} URLs, n_workers=4) was running,")

    def beside_another():
        other_web.reset()
        calls = mine_web.reset()
        other = threading.Thread(target=student.download_all, args=(list(other_pages), other_web, 4, TIMEOUT))
        other.start()
        time.sleep(0.05)
        student.download_all(list(mine_pages), mine_web, 2, TIMEOUT)
        other.join()
        expect(calls.most <= 2,
               f"{beside} ran {calls.most} of its downloads at the same time: n_workers is the limit of each call, "
               "counted by the call itself (its own pool or semaphore), not from the threads the whole program "
               "happens to run.", idea="pool-size")

    _check(beside_another, runs=3, idea="pool-size", what=_escaped(beside))


@pytest.mark.points(2)
def test_downloads_really_overlap(student, fake):
    """n_workers downloads really run at the same time: waiting for the network overlaps."""
    pages = _pages(fake, 8)
    urls = list(pages)
    n_workers = fake.random_int(2, 3)
    # the first page is slow: a worker that finishes a fast one must go on to the next URL meanwhile
    slow = float(fake.random_int(4, 6))
    web = _Web(pages, seconds={url: slow if i == 0 else 1.0 for i, url in enumerate(urls)})
    call = f"download_all({len(urls)} URLs, n_workers={n_workers})"

    def body():
        calls = web.reset()
        student.download_all(list(urls), web, n_workers, TIMEOUT)
        if calls.most < n_workers and threading.current_thread() in calls.threads:
            # the calling thread may well be one of the workers; downloading only there is run() for start()
            fail(f"{call} downloaded in the calling thread, one URL after another: the workers should do the "
                 "downloading (call start(), not run()).", idea="real-concurrency")
        expect(calls.most >= n_workers,
               f"{call} never had {n_workers} downloads running at the same time (at most {calls.most}): each "
               "download waited for another one to finish. Hand every URL to the pool before waiting for any result, "
               "and hold no lock while fetch runs.", idea="real-concurrency")
        idle, running, waiting = calls.idle_while_waiting(n_workers, len(urls))
        expect(idle < 0.5,
               f"{call}, with the first page taking {slow:g} s and the others 1 s: for {idle:.1f} s only "
               f"{running} download(s) ran while {plural(waiting, 'URL')} still waited. Each worker should take the "
               "next URL as soon as its download ends, not wait for a whole batch (or for the slow one) to finish.",
               idea="real-concurrency")

    _check(body, runs=5, idea="real-concurrency", what=_escaped(call))
