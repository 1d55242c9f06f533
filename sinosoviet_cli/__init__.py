"""sinosoviet: a bibliography tool for historians of the Sino-Soviet split."""

__version__ = "0.1.0"
