"""Imports a module that does not exist."""
import threading_helpers_that_do_not_exist  # noqa: F401
