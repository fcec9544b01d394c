"""Bridges from the course package to the grading tools instructors already run (nbgrader)."""
