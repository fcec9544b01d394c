"""Tests of the bridges to other grading tools (nbgrader)."""
