"""Caseworker: EHC plan casework for English council SEND teams (the core; no Qt here)."""

__version__ = "0.1.0"
