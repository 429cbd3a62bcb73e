"""The council's letter settings for the whole team: kept in the database, changed only by an admin.

Letters read them from the database, so every desktop of a team prints the same letterhead, contacts
and appeal paragraphs. A database that stores none reads the settings file as before
(caseworker.services.letters.council_settings_path), and only a demo database falls back to the
shipped sample council: a real team's letters never go out on a fictional letterhead.

Saving checks everything first (caseworker.letters.settings, one set of rules for the file and the
dialog; the blocks compiled; a sample decision letter made with them), refuses a copy someone else has
saved over since it was read, and writes one audit row with the values before and after (the logo by
its SHA-256). The TOML file is the import and export format: an export imports back to the same
settings.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.errors import ConflictError, PermissionDenied, Problem, ValidationError
from caseworker.letters.errors import LetterError, SettingsError
from caseworker.letters.logo import Logo
from caseworker.letters.settings import MANDATORY_BLOCKS, CouncilSettings, read_settings_file, settings_from_dict
from caseworker.letters.settings_file import settings_document, settings_toml
from caseworker.output_paths import database_clash, sync_folder
from caseworker.services.actor import Actor
from caseworker.services.casefile import writing
from caseworker.store.audit import audit, changes, now_utc
from caseworker.store.models import CouncilSettingsRecord, Staff

ROW_ID = 1  # one row for the whole team (the table allows no other)
IN_DATABASE = "council settings in the database"
PREVIEW_TEMPLATE = "decision_not_to_assess"  # an appealable decision: the letter shows every block


@dataclass(frozen=True, slots=True)
class StoredCouncil:
    """The settings letters use now, and where they come from."""

    settings: CouncilSettings
    origin: str  # "database", "file" or "sample"
    version: int = 0  # the stored row's version; 0 while the database stores none
    changed_by: str | None = None
    changed_at: datetime | None = None
    path: Path | None = None  # the file read, when origin is "file"


def require_admin(actor: Actor, what: str = "change") -> None:
    if actor.role != "admin":
        raise PermissionDenied(f"{actor.username} has the {actor.role} role; only an admin can {what} the "
                               "council's settings")


def settings_draft(document: Mapping[str, Mapping[str, Any]], blocks: Mapping[str, str],
                   logo: Logo | None) -> dict[str, Any]:
    """Fields as typed (the file's sections), the blocks' text and the logo image, in the shape the
    settings rules read: nothing in it names a file."""
    raw: dict[str, Any] = {section: dict(values) for section, values in document.items() if section != "blocks"}
    raw["council"] = {**raw.get("council", {}), "logo": logo}
    raw["blocks"] = {name: {"text": text} for name, text in blocks.items()}
    return raw


# ---------------------------------------------------------------- reading


def stored_version(ctx: AppContext) -> int:
    """The stored settings' version (0: none stored): a desktop reloads its letter settings when it changes."""
    with ctx.db.sessions() as s:
        return s.scalar(select(CouncilSettingsRecord.version).where(CouncilSettingsRecord.id == ROW_ID)) or 0


def _stored_logo(row: CouncilSettingsRecord) -> Logo | None:
    return Logo(row.logo, row.logo_type) if row.logo is not None and row.logo_type is not None else None


def _from_row(row: CouncilSettingsRecord) -> CouncilSettings:
    return settings_from_dict(settings_draft(row.details, row.blocks, _stored_logo(row)), Path("."), IN_DATABASE)


def load_council(ctx: AppContext) -> StoredCouncil:
    """The settings letters use: the database's, else the settings file, else (a demo only) the sample.

    SettingsError, saying what to do, for a real team with neither.
    """
    from caseworker.services.letters import council_settings_path

    with ctx.db.sessions() as s:
        row = s.get(CouncilSettingsRecord, ROW_ID)
        if row is not None:
            who = s.scalar(select(Staff.display_name).where(Staff.id == row.changed_by_id))
            return StoredCouncil(_from_row(row), "database", row.version, who, row.changed_at)
    path = council_settings_path(demo=ctx.db.meta("demo") == "1")
    from caseworker.letters.settings import load_council_settings

    if path is None:
        return StoredCouncil(load_council_settings(None), "sample")
    return StoredCouncil(load_council_settings(path), "file", path=path)


def council_settings(ctx: AppContext) -> CouncilSettings:
    return load_council(ctx).settings


def under_fives_months(ctx: AppContext, session: Session | None = None) -> int | None:
    """The council's under-5s review interval in months (None: the timescales table's), read cheaply from the
    stored row's details (the plan schedule asks on every plan shown; in ``session`` when given), else from
    the settings file."""
    query = select(CouncilSettingsRecord.details).where(CouncilSettingsRecord.id == ROW_ID)
    if session is not None:
        details = session.scalar(query)
    else:
        with ctx.db.sessions() as s:
            details = s.scalar(query)
    if details is None:
        try:
            return load_council(ctx).settings.under_fives_review_months
        except (SettingsError, LetterError):
            return None  # no settings at all: the table's interval
    months = (details.get("plans") or {}).get("under_fives_review_months")
    return months if isinstance(months, int) and not isinstance(months, bool) else None


# ---------------------------------------------------------------- checking


def _problems_of(error: SettingsError) -> list[Problem]:
    return [Problem(p.field, p.reason) for p in error.problems] or [Problem("", str(error))]


def _block_named(message: str, settings: CouncilSettings) -> str:
    """The field of the block a letter error is about ("blocks.mediation"), or "" when it is not a block's."""
    from caseworker.letters import unprintable

    named = next((f"blocks.{name}" for name in MANDATORY_BLOCKS if f"block {name}" in message), "")
    if named or "rights blocks" not in message:
        return named
    return next((f"blocks.{name}" for name, text in settings.blocks.items()
                 if any(unprintable(line) for line in text.splitlines())), "")


def sample_letter(settings: CouncilSettings, *, preview: bool = True) -> bytes:
    """A decision not to assess for a fictional child, made with ``settings``: the letterhead, every
    contact and all three blocks, as a PDF (LetterError if it cannot be made)."""
    from caseworker.letters import load_templates
    from caseworker.letters.pdf import render_pdf
    from caseworker.letters.samples import sample_facts_for, sample_parent

    templates = load_templates()
    facts = sample_facts_for(PREVIEW_TEMPLATE, settings, "Aisha Rahman", sample_parent())
    return render_pdf(templates.render(PREVIEW_TEMPLATE, facts), preview=preview)


def check_settings(settings: CouncilSettings) -> None:
    """Refuse settings whose blocks do not compile or with which a letter cannot be made (ValidationError)."""
    from caseworker.letters.jinja import compile_text

    problems = []
    for name, text in settings.blocks.items():
        try:
            compile_text(text, f"block {name}")
        except LetterError as exc:
            problems.append(Problem(f"blocks.{name}", str(exc)))
    if not problems:
        try:
            sample_letter(settings, preview=False)
        except LetterError as exc:
            reason = f"a letter cannot be made with these settings: {exc}"
            problems.append(Problem(_block_named(str(exc), settings), reason))
    if problems:
        raise ValidationError(problems)


def field_problems(document: Mapping[str, Mapping[str, Any]], blocks: Mapping[str, str],
                   logo: Logo | None) -> list[Problem]:
    """What the settings rules find wrong with the fields, each under its field (no letter is made, so it
    is quick enough to run as an admin types)."""
    try:
        settings_from_dict(settings_draft(document, blocks, logo), Path("."), "council settings")
    except SettingsError as exc:
        return _problems_of(exc)
    return []


def check_council(document: Mapping[str, Mapping[str, Any]], blocks: Mapping[str, str],
                  logo: Logo | None) -> CouncilSettings:
    """The settings the dialog's fields make, or ValidationError with every problem under its field."""
    try:
        settings = settings_from_dict(settings_draft(document, blocks, logo), Path("."), "council settings")
    except SettingsError as exc:
        raise ValidationError(_problems_of(exc)) from None
    check_settings(settings)
    return settings


# ---------------------------------------------------------------- saving


def _audit_view(details: Mapping[str, Mapping[str, Any]], blocks: Mapping[str, str],
                logo: Logo | None) -> dict[str, Any]:
    """Every value by its field name, the logo by its fingerprint (never its bytes)."""
    flat: dict[str, Any] = {f"{section}.{key}": value for section, values in details.items()
                            for key, value in values.items()}
    flat.update({f"blocks.{name}": text for name, text in blocks.items()})
    flat["logo"] = logo.describe() if logo is not None else None
    return flat


def _stored_view(row: CouncilSettingsRecord) -> dict[str, Any]:
    """The stored values as they are, read without the rules: a copy they now refuse can still be replaced."""
    return _audit_view(row.details, row.blocks, _stored_logo(row))


def _conflict(s: Session, row: CouncilSettingsRecord, expected: int) -> ConflictError:
    who = s.scalar(select(Staff.display_name).where(Staff.id == row.changed_by_id)) or "someone else"
    return ConflictError(f"the council's settings were saved by {who} since you opened them (your copy is "
                         f"version {expected}, the stored one is {row.version}); reload them and try again")


def _row_values(settings: CouncilSettings, actor_id: int | None) -> dict[str, Any]:
    return {"details": settings_document(settings), "blocks": dict(settings.blocks),
            "logo": settings.logo.data if settings.logo else None,
            "logo_type": settings.logo.media_type if settings.logo else None,
            "changed_by_id": actor_id, "changed_at": now_utc()}


def sample_council_record(actor_id: int | None) -> CouncilSettingsRecord:
    """The shipped sample (fictional) council as the stored row: what a demo database starts with."""
    from caseworker.letters.settings import load_council_settings

    return CouncilSettingsRecord(id=ROW_ID, **_row_values(load_council_settings(None), actor_id))


def store_settings(ctx: AppContext, actor: Actor, settings: CouncilSettings, *, expected_version: int | None,
                   action: str = "council_settings.save") -> int:
    """Store checked settings for the whole team; the new version (unchanged settings write nothing).

    ``expected_version`` is the version the change was made from (0: none stored); None replaces
    whatever is stored (an import).
    """
    require_admin(actor)
    try:
        with writing(ctx, "save the council's settings") as s:
            row = s.get(CouncilSettingsRecord, ROW_ID)
            stored = row.version if row is not None else 0
            if expected_version is not None and stored != expected_version:
                if row is None:
                    raise ConflictError("the council's settings were removed since you opened them; reload them")
                raise _conflict(s, row, expected_version)
            before = _stored_view(row) if row is not None else None
            after = _audit_view(settings_document(settings), settings.blocks, settings.logo)
            if before == after:
                return stored
            values = _row_values(settings, actor.id)
            if row is None:
                row = CouncilSettingsRecord(id=ROW_ID, **values)
                s.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            s.flush()
            b, a = changes(before, after) if before is not None else (None, after)
            audit(s, actor_id=actor.id, action=action, entity="council_settings", entity_id=ROW_ID, before=b, after=a)
            return row.version
    except IntegrityError as exc:  # two first saves at once: the one-row key refuses the second
        raise ConflictError("someone else saved the council's settings at the same moment; reload them and "
                            "try again") from exc


def save_council(ctx: AppContext, actor: Actor, document: Mapping[str, Mapping[str, Any]],
                 blocks: Mapping[str, str], logo: Logo | None, *, expected_version: int) -> int:
    """Check and store the settings the dialog's fields make; the new version."""
    require_admin(actor)
    return store_settings(ctx, actor, check_council(document, blocks, logo), expected_version=expected_version)


# ---------------------------------------------------------------- the file format


def import_council(ctx: AppContext, actor: Actor, path: Path) -> int:
    """Store the settings in a TOML file (checked like the dialog's) for the whole team; the new version."""
    require_admin(actor)
    settings = read_settings_file(path)
    check_settings(settings)
    return store_settings(ctx, actor, settings, expected_version=None, action="council_settings.import")


def export_files(path: Path, settings: CouncilSettings) -> dict[Path, bytes]:
    """What an export writes: the TOML file, and the logo beside it (named after the file)."""
    files: dict[Path, bytes] = {}
    logo_name = None
    if settings.logo is not None:
        logo_name = f"{path.stem}-logo{settings.logo.suffix}"
        files[path.with_name(logo_name)] = settings.logo.data
    return {path: settings_toml(settings, logo_name).encode("utf-8"), **files}


def export_council(ctx: AppContext, actor: Actor, path: Path, *, force: bool = False,
                   database: Path | None = None) -> tuple[StoredCouncil, list[Path]]:
    """Write the settings letters use now to ``path`` (and its logo beside it); the files written.

    Never over an existing file unless ``force``, never over a database (``database``: the SQLite
    file in use), and each file whole or not at all.
    """
    require_admin(actor, "export")
    current = load_council(ctx)
    files = export_files(path, current.settings)
    for target in files:
        _check_target(target, database, force)
    parts: dict[Path, Path] = {}
    try:  # every file written out in full before any takes its name
        for target, data in files.items():
            parts[target] = _write_part(target, data)
        for target, part in parts.items():
            os.replace(part, target)
        sync_folder(path.parent)
    except OSError as exc:
        raise SettingsError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        for part in parts.values():
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
    return current, list(files)


def _check_target(path: Path, database: Path | None, force: bool) -> None:
    clash = database_clash(path, database)
    if clash is not None:
        raise SettingsError(f"{path} is {clash}; the settings are never written over it")
    if path.is_dir() or (path.exists() and not path.is_file()):
        raise SettingsError(f"{path} is not an ordinary file; give a file name for the settings")
    if path.exists() and not force:
        raise SettingsError(f"{path} already exists; nothing was written (use --force to replace it)")
    if not path.parent.is_dir():
        raise SettingsError(f"the folder {path.parent} does not exist; nothing was written")


def _write_part(path: Path, data: bytes) -> Path:
    """``data`` in a hidden file beside ``path``, flushed to disk; renamed into place once all are written."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    with part.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return part
