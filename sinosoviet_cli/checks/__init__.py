"""``check``: a draft's citations against a bibliography, as a registry of rules.

The public surface lives in :mod:`sinosoviet_cli.checks.rules` (``check``, ``select``,
``run``, ``analyse``, ``exit_status``, ``RULES``, ``Finding``, ``Severity``, matching
helpers); callers import it as ``from sinosoviet_cli.checks import rules as checks``.
"""
