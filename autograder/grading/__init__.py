"""Grading: run course suites against submissions in sandboxed children and export the results.

The flow is one way: discovery finds each student's files, :mod:`.sandbox` runs the suites in
child processes, :mod:`.grader` turns what they report into the result model of :mod:`.model`,
and the exporters in :mod:`.export` write every output from that model alone.
"""
