"""The course pytest plugin: one result record per test, whatever the suites' file layout."""

import json
import subprocess
import sys


def test_same_test_names_in_two_suites_outside_the_rootdir_both_get_a_record(tmp_path):
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"test_suite_{name}.py").write_text(
            'STUDENT_MODULE = "m"\n\nimport pytest\n\n\n@pytest.mark.points(2)\ndef test_same():\n    assert True\n'
        )
    root = tmp_path / "root"
    root.mkdir()
    (root / "pytest.ini").write_text("[pytest]\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "../a/test_suite_a.py", "../b/test_suite_b.py", "-c", "pytest.ini",
         "--rootdir", ".", "--ag-results", "r.json", "-q", "-p", "no:cacheprovider"],
        cwd=root, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    records = json.loads((root / "r.json").read_text())["tests"]
    assert len(records) == 2
    assert {r["suite"].rsplit("/", 1)[-1] for r in records} == {"test_suite_a.py", "test_suite_b.py"}
    assert all(r["points"] == 2 for r in records)


def _faker_sample(generator):
    return [generator.name(), generator.random_int(1, 1000), generator.url(), generator.unique.first_name(),
            generator.unique.first_name(), generator.sentence()]


def test_the_fake_fixture_gives_what_a_fresh_faker_seeded_the_same_way_gives():
    from faker import Faker

    from autograder.testing.plugin import _seeded_faker

    for seed in (1, 2, 1, 987654321):
        fresh = Faker()
        fresh.seed_instance(seed)
        assert _faker_sample(_seeded_faker(seed)) == _faker_sample(fresh)


def test_a_faker_changed_by_a_test_is_not_handed_to_the_next():
    from autograder.testing.plugin import _seeded_faker

    first = _seeded_faker(5)
    first.name = lambda: "always the same"  # a test (or student code) replaced a provider method
    second = _seeded_faker(5)
    assert second is not first and second.name() != "always the same"
    second._factories[0].providers.append(object())  # or slipped in a provider
    third = _seeded_faker(5)
    assert third is not second
    assert _seeded_faker(5) is third  # unchanged since: kept


def test_a_module_that_leaves_a_thread_running_when_imported_is_refused(tmp_path):
    import threading

    import pytest

    from autograder.testing import Mistake
    from autograder.testing.plugin import load_student_module

    (tmp_path / "left_running.py").write_text(
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(1.0,), daemon=True).start()\n")
    before = set(threading.enumerate())
    with pytest.raises(Mistake) as caught:
        load_student_module("left_running", tmp_path)
    assert "started a thread that was still running afterwards" in caught.value.what
    for thread in set(threading.enumerate()) - before:
        thread.join()
    (tmp_path / "joined.py").write_text(
        "import threading\n"
        "_t = threading.Thread(target=sum, args=([1, 2],))\n"
        "_t.start()\n"
        "_t.join()\n"
        "VALUE = 3\n")
    assert load_student_module("joined", tmp_path).VALUE == 3  # a thread that ended is no one's concern
