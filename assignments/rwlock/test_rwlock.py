"""Public checks for rwlock.py. Run them with `autograder check rwlock` (or `pytest` here).

The race tests run your code under the grader's race engine, which decides which thread runs next
between every instruction of your code. Its clock is virtual: a wait of 1 second takes no real time,
and a thread that would wait forever is reported as a deadlock instead of hanging.
"""

import threading
import time

from autograder.testing import expect, race_check

STUDENT_MODULE = "rwlock"


def test_one_thread(student):
    lock = student.RWLock()
    with lock.read_locked():
        expect(lock.acquire_read(timeout=0) is True, "A second reader can go in while only readers are inside.")
        expect(lock.acquire_write(timeout=0) is False, "A writer cannot go in while readers are inside.")
        lock.release_read()
    with lock.write_locked():
        expect(lock.acquire_read(timeout=0) is False, "A reader cannot go in while a writer is inside.")
    expect(lock.acquire_write(timeout=0) is True, "After both blocks, the lock is free for a writer.")
    lock.release_write()


def test_a_writer_never_enters_while_readers_are_inside(student):
    def body():
        lock = student.RWLock()
        inside = {"readers": 0, "writers": 0}
        seen = []
        notes = threading.Lock()  # the test's own bookkeeping must not race either

        def count(who, change):
            with notes:
                inside[who] += change

        def reader():
            for _ in range(2):
                with lock.read_locked():
                    count("readers", 1)
                    time.sleep(0.1)  # reading takes a while (virtual time)
                    count("readers", -1)

        def writer():
            for _ in range(2):
                with lock.write_locked():
                    with notes:
                        seen.append(dict(inside))
                    count("writers", 1)
                    time.sleep(0.1)
                    count("writers", -1)

        threads = [threading.Thread(target=reader), threading.Thread(target=writer), threading.Thread(target=reader)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        crowded = [s for s in seen if s["readers"] or s["writers"]]
        expect(not crowded, f"A writer went in while someone was inside: {crowded[0] if crowded else ''}.")

    race_check(body, runs=30, idea="rw-exclusion")


def test_waiting_readers_all_go_in_when_the_writer_leaves(student):
    def body():
        lock = student.RWLock()
        meeting = threading.Barrier(3)  # passes only when all three readers are inside together

        def writer():
            with lock.write_locked():
                time.sleep(1)

        def reader():
            time.sleep(0.5)  # the writer is inside by now
            with lock.read_locked():
                meeting.wait()

        threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    race_check(body, runs=5, idea="notify-all")
