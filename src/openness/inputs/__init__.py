"""Inputs: what the user names (MODEL arguments, models lists) and what a scan finds."""
