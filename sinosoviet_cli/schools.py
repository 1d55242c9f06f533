"""Historiographical schools: tagging works with the school the paper's evidence
supports. (Placeholder until the schools issue lands: ``apply`` tags nothing yet.)"""

from __future__ import annotations

from .model import Bibliography, Paper


def apply(paper: Paper, bibliography: Bibliography) -> Bibliography:
    """Return the bibliography with ``keywords = {school:<id>}`` set on every work."""
    return bibliography
