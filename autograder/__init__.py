"""threadgrader: an auto-grading course package for Python threads.

The import package is ``autograder``; its heart is :mod:`autograder.race`, an engine that decides
between bytecode instructions which thread runs next, from a seed.
"""

__version__ = "0.1.0"
