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
