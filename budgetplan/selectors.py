"""Reads the case pages and exports need."""
