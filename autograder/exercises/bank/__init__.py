"""The bank exercise (transfers that never deadlock): its hidden suite is hidden_tests.py."""
