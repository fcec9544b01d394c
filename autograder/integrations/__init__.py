"""Where results go and how the course ships: Gradescope, GitHub Classroom, the student bundle.

``autograder.integrations.nbgrader`` is maintained separately and plugs into the command line the
same way (a ``cli`` module with ``register(subparsers)``).
"""
