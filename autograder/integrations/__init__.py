"""Bridges from the course package to where courses live: Gradescope, GitHub Classroom, the student
bundle, and nbgrader (``autograder.integrations.nbgrader``), each plugging into the command line
through a module with ``register(subparsers)``.
"""
