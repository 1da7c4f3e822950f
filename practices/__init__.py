"""Shared projects and good practices: catalogue, lifecycle, transfers (built in a later issue)."""
