"""Tests of the exercises: their hidden suites against a zoo of right and wrong submissions."""
