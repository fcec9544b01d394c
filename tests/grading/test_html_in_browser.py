"""feedback.html and report.html as a person sees them: rendered by headless Chromium, not read as text.

A script added to a copy of each page measures, after layout, what a 1280-pixel-wide window shows:
every thread's lane of every timeline can be seen (it fits the page, or sits in a box that scrolls
to it), the text holds no raw Markdown, and the browser logged no error. Skipped where no Chromium
is installed (Debian's ``chromium`` package; ``.ci/run`` installs it).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from autograder.grading import export
from autograder.grading.grader import _student_outcome
from autograder.grading.model import ExerciseResult, SubmissionResult, TestResult
from autograder.testing import Mistake, race_check

BROWSER = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(name)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed (apt-get install chromium)")

MEASURE = """
<script>
(() => {
  const vw = document.documentElement.clientWidth;
  const lanes = [];
  for (const table of document.querySelectorAll("table.timeline")) {
    for (const th of table.querySelectorAll("thead th")) {
      const r = th.getBoundingClientRect();
      let el = table.parentElement, scroller = null;
      while (el && el !== document.body) {
        const style = getComputedStyle(el);
        if (style.overflowX === "auto" || style.overflowX === "scroll") { scroller = el; break; }
        el = el.parentElement;
      }
      let visible = r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= vw + 1;
      if (!visible && scroller) {
        const box = scroller.getBoundingClientRect();
        visible = r.width > 0 && box.left >= 0 && box.right <= vw + 1
          && scroller.scrollWidth > scroller.clientWidth && r.right - box.left <= scroller.scrollWidth + 1;
      }
      lanes.push({name: th.textContent, visible: visible, left: r.left, right: r.right});
    }
  }
  document.body.setAttribute("data-measured", JSON.stringify({
    viewport: vw, page: document.documentElement.scrollWidth, lanes: lanes, text: document.body.innerText}));
})();
</script>
"""


def render(page: Path, tmp_path: Path) -> tuple[dict, str]:
    """What Chromium shows of ``page`` (measured by :data:`MEASURE`), and what it logged."""
    copy = tmp_path / f"measured-{page.name}"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
         "--virtual-time-budget=3000", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", copy.as_uri()],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    found = re.search(r'data-measured="([^"]*)"', done.stdout)
    assert found, f"Chromium rendered nothing: {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1))), done.stderr


def console_messages(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line]


def five_thread_race() -> TestResult:
    """A failed race check with five threads: the widest timeline a counter test draws."""

    class Counter:
        def __init__(self):
            self.value = 0

        def increment(self):
            current = self.value
            self.value = current + 1

    def body():
        counter = Counter()

        def work():
            for _ in range(3):
                counter.increment()

        threads = [threading.Thread(target=work, name=f"worker-{i}") for i in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counter.value == 15, f"{15 - counter.value} increments were lost"

    with pytest.raises(Mistake) as caught:
        race_check(body, seed=3, idea="read-modify-write")
    mistake = caught.value
    return TestResult(name="test_no_increment_is_lost", title="`increment` from five threads loses nothing",
                      max_points=4, points=0, status="failed", feedback=mistake.text(),
                      replay="autograder check counter counter.py --hidden --seed 3 --test test_no_increment_is_lost",
                      outcome=_student_outcome(mistake.outcome))


def submission(student: str, failed: TestResult) -> SubmissionResult:
    passed = TestResult(name="test_value_is_read_only", title="`value` can be read but not assigned",
                        max_points=1, points=1, status="passed", notes=["**3.1x** faster with `2` processes"])
    exercise = ExerciseResult("counter", "A shared counter", 5, "graded", "counter.py",
                              "Several `counter.py` files were found; `src/counter.py` was graded.", [failed, passed])
    return SubmissionResult(student=student, exercises=[exercise], seed=3, grader_version="test")


def test_feedback_page_shows_every_lane_and_no_raw_markdown(tmp_path):
    failed = five_thread_race()
    assert len({row["thread"] for row in failed.outcome["trace"] if row.get("thread")}) >= 5
    page = tmp_path / "feedback.html"
    page.write_text(export.feedback_html(submission("alice", failed)), encoding="utf-8")
    seen, log = render(page, tmp_path)
    names = [lane["name"] for lane in seen["lanes"]]
    assert sum(1 for name in names if name.startswith("worker-")) == 5, names
    hidden = [lane for lane in seen["lanes"] if not lane["visible"]]
    assert not hidden, f"lanes a reader cannot see or scroll to at 1280 px: {hidden}"
    assert seen["page"] <= seen["viewport"], "the page itself is wider than the window"
    text = seen["text"]
    assert "`" not in text and "**" not in text, "raw Markdown shown to the student"
    assert "value can be read but not assigned" in text and "counter.py" in text
    assert "increments were lost" in text
    assert export.INSTRUCTOR_REPLAY in text  # a hidden test's replay is labelled as the instructor's
    assert not console_messages(log), console_messages(log)


def test_class_report_renders_without_raw_markdown_and_shows_real_examples(tmp_path):
    failed = five_thread_race()
    results = [submission(name, failed) for name in ("alice", "bob", "=cmd|' /C calc'!A0")]
    page = tmp_path / "report.html"
    page.write_text(export.report_html(results, seed=3), encoding="utf-8")
    seen, log = render(page, tmp_path)
    text = seen["text"]
    assert "`" not in text and "**" not in text
    assert re.search(r"\b\d+ increments were lost", text), "the common mistake is shown in a student's real words"
    assert " N " not in text and "N increments" not in text
    assert seen["page"] <= seen["viewport"]
    assert not console_messages(log), console_messages(log)
