"""Headless command groups that live outside ``caseworker.cli``.

Each module here has ``register(sub) -> dict[str, Handler]``: it adds its parsers to the
``caseworker`` sub-command set and returns the handler for each command name it added. Modules
import their heavy dependencies inside the handlers, so ``caseworker deadlines`` stays quick.
"""
