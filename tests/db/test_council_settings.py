"""The council's letter settings in the database (SQLite and PostgreSQL): who may change them, what is
refused and why, the audit row, a stale copy, the TOML file as import and export, and which source wins."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.errors import ConflictError, PermissionDenied, ValidationError
from caseworker.letters.errors import SettingsError
from caseworker.letters.logo import Logo, check_logo
from caseworker.letters.resources import letters_dir
from caseworker.letters.settings import CouncilSettings, load_council_settings
from caseworker.letters.settings_file import settings_document
from caseworker.services import council_settings as cs
from caseworker.services.actor import Actor
from caseworker.services.letters import COUNCIL_ENV, load_letter_kit
from caseworker.store.audit import now_utc
from caseworker.store.models import AppMeta, AuditEvent, CouncilSettingsRecord
from tests.db.conftest import add_staff

SAMPLE = load_council_settings()


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    return add_staff(ctx.db, "itadmin", "admin")


@pytest.fixture(autouse=True)
def no_settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(COUNCIL_ENV, raising=False)
    monkeypatch.setenv("CASEWORKER_DATA_DIR", str(tmp_path / "data"))


def fields(settings: CouncilSettings = SAMPLE) -> tuple[dict[str, dict[str, Any]], dict[str, str], Logo | None]:
    """What the dialog would hand over for these settings: the sections, the blocks' text, the logo."""
    return settings_document(settings), dict(settings.blocks), settings.logo


def edited(section: str, key: str, value: Any) -> tuple[dict[str, dict[str, Any]], dict[str, str], Logo | None]:
    document, blocks, logo = fields()
    document[section][key] = value
    return document, blocks, logo


def audit_rows(ctx: AppContext) -> list[AuditEvent]:
    with ctx.db.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "council_settings")
                              .order_by(AuditEvent.id)))


def test_an_admin_saves_the_settings_and_every_letter_then_uses_them(ctx: AppContext, admin: Actor) -> None:
    version = cs.save_council(ctx, admin, *edited("council", "name", "Westshire Council"), expected_version=0)
    assert version == 1
    assert load_letter_kit(ctx).council.name == "Westshire Council"
    stored = cs.load_council(ctx)
    assert (stored.origin, stored.version, stored.changed_by) == ("database", 1, "Itadmin")
    [first] = audit_rows(ctx)
    assert first.actor_id == admin.id and first.action == "council_settings.save" and first.before is None
    assert first.after is not None and first.after["council.name"] == "Westshire Council"
    assert SAMPLE.logo is not None
    assert first.after["logo"] == {"sha256": hashlib.sha256(SAMPLE.logo.data).hexdigest(), "type": "image/png",
                                   "bytes": len(SAMPLE.logo.data)}

    document, blocks, logo = edited("sendiass", "phone", "01632 960999")
    document["council"]["name"] = "Westshire Council"
    assert cs.save_council(ctx, admin, document, blocks, logo, expected_version=1) == 2
    second = audit_rows(ctx)[1]
    assert second.before == {"sendiass.phone": "01632 960250"} and second.after == {"sendiass.phone": "01632 960999"}
    assert cs.load_council(ctx).settings.sendiass.phone == "01632 960999"


def test_saving_the_same_settings_again_writes_nothing(ctx: AppContext, admin: Actor) -> None:
    assert cs.save_council(ctx, admin, *fields(), expected_version=0) == 1
    assert cs.save_council(ctx, admin, *fields(), expected_version=1) == 1
    assert len(audit_rows(ctx)) == 1


@pytest.mark.parametrize("role", ["caseworker", "team_lead", "read_only"])
def test_only_an_admin_may_change_them(ctx: AppContext, role: str, tmp_path: Path) -> None:
    someone = add_staff(ctx.db, f"user_{role}", role)
    with pytest.raises(PermissionDenied, match="only an admin"):
        cs.save_council(ctx, someone, *fields(), expected_version=0)
    path = write_sample_file(tmp_path)
    with pytest.raises(PermissionDenied, match="only an admin"):
        cs.import_council(ctx, someone, path)
    with pytest.raises(PermissionDenied, match="only an admin"):
        cs.export_council(ctx, someone, tmp_path / "out.toml")
    assert cs.stored_version(ctx) == 0 and audit_rows(ctx) == [] and not (tmp_path / "out.toml").exists()


def test_a_copy_saved_over_since_it_was_opened_is_refused(ctx: AppContext, admin: Actor) -> None:
    other = add_staff(ctx.db, "second_admin", "admin")
    cs.save_council(ctx, other, *edited("council", "phone", "01632 960001"), expected_version=0)
    with pytest.raises(ConflictError, match=r"saved by Second_Admin .*your copy is version 0, the stored one is 1"):
        cs.save_council(ctx, admin, *edited("council", "phone", "01632 960002"), expected_version=0)
    assert cs.load_council(ctx).settings.phone == "01632 960001" and len(audit_rows(ctx)) == 1


@pytest.mark.parametrize(("section", "key", "value", "field", "reason"), [
    ("council", "email", "send at marches", "council.email", "not an email address"),
    ("council", "phone", "call us", "council.phone", "not a phone number"),
    ("council", "phone", "01632 9600", "council.phone", "10 or 11 digits"),
    ("council", "postcode", "mf1 1aa", "council.postcode", "write the postcode as MF1 1AA"),
    ("council", "website", "marches council", "council.website", "not a website address"),
    ("council", "name", "  ", "council.name", "missing or empty"),
    ("council", "address", [], "council.address", "missing or empty"),
    ("council", "address", ["County Hall", " "], "council.address", "list of lines"),
    ("sendiass", "email", "sendiass@", "sendiass.email", "not an email address"),
    ("tribunal", "website", "", "tribunal.website", "missing or empty"),
])
def test_a_field_that_will_not_do_is_refused_by_name_and_nothing_is_saved(
        ctx: AppContext, admin: Actor, section: str, key: str, value: Any, field: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        cs.save_council(ctx, admin, *edited(section, key, value), expected_version=0)
    assert [p.field for p in refused.value.problems] == [field]
    assert reason in refused.value.for_field(field)[0]
    assert cs.stored_version(ctx) == 0 and audit_rows(ctx) == []


def test_every_problem_is_reported_at_once(ctx: AppContext, admin: Actor) -> None:
    document, blocks, logo = fields()
    document["council"]["email"] = "nope"
    document["mediation_adviser"] = {"name": "Mediation (fictional)"}
    blocks["sendiass"] = "\n"
    with pytest.raises(ValidationError) as refused:
        cs.save_council(ctx, admin, document, blocks, logo, expected_version=0)
    assert {p.field for p in refused.value.problems} == {"council.email", "mediation_adviser", "blocks.sendiass"}
    assert "at least a phone number" in refused.value.for_field("mediation_adviser")[0]


@pytest.mark.parametrize(("text", "says"), [
    ("Call {{ council.mediation_adviser.nmae }} today.", "nmae"),
    ("Call {{ council.mediation_adviser.name ", "line 1"),
    ("Call us.\tWe can help.", "cannot be printed"),
])
def test_a_block_that_cannot_be_printed_is_refused_beside_it(ctx: AppContext, admin: Actor, text: str,
                                                             says: str) -> None:
    document, blocks, logo = fields()
    blocks["mediation"] = text
    with pytest.raises(ValidationError) as refused:
        cs.save_council(ctx, admin, document, blocks, logo, expected_version=0)
    [reason] = refused.value.for_field("blocks.mediation")
    assert says in reason
    assert cs.stored_version(ctx) == 0


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 80, 160)).save(out, "PNG")
    return out.getvalue()


def test_a_jpeg_logo_is_kept_as_an_image_and_printed(ctx: AppContext, admin: Actor) -> None:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (200, 30, 30)).save(out, "JPEG")
    document, blocks, _ = fields()
    cs.save_council(ctx, admin, document, blocks, check_logo(out.getvalue()), expected_version=0)
    with ctx.db.sessions() as s:
        row = s.get(CouncilSettingsRecord, 1)
        assert row is not None and row.logo_type == "image/jpeg" and row.logo == out.getvalue()
    pdf = cs.sample_letter(cs.council_settings(ctx))
    images = subprocess.run(["pdfimages", "-list", "-", ], input=pdf, capture_output=True, check=False)
    if images.returncode == 0:
        assert b"120    60" in images.stdout


def test_no_logo_at_all_is_fine(ctx: AppContext, admin: Actor) -> None:
    document, blocks, _ = fields()
    cs.save_council(ctx, admin, document, blocks, None, expected_version=0)
    assert cs.council_settings(ctx).logo is None
    assert cs.sample_letter(cs.council_settings(ctx)).startswith(b"%PDF")


def write_sample_file(folder: Path, text: str | None = None) -> Path:
    shutil.copytree(letters_dir() / "blocks", folder / "blocks", dirs_exist_ok=True)
    shutil.copy(letters_dir() / "marches_logo.png", folder / "marches_logo.png")
    path = folder / "council.toml"
    path.write_text(text or (letters_dir() / "council.sample.toml").read_text("utf-8"), "utf-8")
    return path


def test_the_database_s_settings_win_over_the_settings_file(ctx: AppContext, admin: Actor, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_sample_file(tmp_path, (letters_dir() / "council.sample.toml").read_text("utf-8")
                             .replace("Marches County Council", "File Council"))
    monkeypatch.setenv(COUNCIL_ENV, str(path))
    before = cs.load_council(ctx)
    assert (before.origin, before.path, before.settings.name, before.version) == ("file", path, "File Council", 0)
    cs.save_council(ctx, admin, *edited("council", "name", "Database Council"), expected_version=0)
    assert load_letter_kit(ctx).council.name == "Database Council"


def test_a_real_team_with_neither_is_told_what_letters_need(ctx: AppContext) -> None:
    with pytest.raises(SettingsError, match="letters need your council's settings: an admin enters them"):
        load_letter_kit(ctx)


def test_a_demo_database_storing_none_prints_the_sample(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        s.add(AppMeta(key="demo", value="1"))
    stored = cs.load_council(ctx)
    assert (stored.origin, stored.settings) == ("sample", SAMPLE)


def test_export_then_import_gives_back_exactly_the_same_settings(ctx: AppContext, admin: Actor,
                                                                 tmp_path: Path) -> None:
    document, blocks, _ = fields()
    document["council"]["name"] = 'Westshire "Unitary" Council \\ SEND'
    blocks["sendiass"] += "\nIt's free '''and''' independent. Ask us.\n"
    cs.save_council(ctx, admin, document, blocks, check_logo(png()), expected_version=0)
    saved = cs.council_settings(ctx)
    _, written = cs.export_council(ctx, admin, tmp_path / "exported.toml")
    assert written == [tmp_path / "exported.toml", tmp_path / "exported-logo.png"]
    assert (tmp_path / "exported-logo.png").read_bytes() == png()

    cs.save_council(ctx, admin, *fields(), expected_version=1)  # someone changes them after the export
    assert cs.council_settings(ctx) != saved
    assert cs.import_council(ctx, admin, tmp_path / "exported.toml") == 3
    assert cs.council_settings(ctx) == saved
    assert audit_rows(ctx)[-1].action == "council_settings.import"
    first = (tmp_path / "exported.toml").read_bytes()
    cs.export_council(ctx, admin, tmp_path / "exported.toml", force=True)
    assert (tmp_path / "exported.toml").read_bytes() == first


def test_the_sample_file_imports_as_it_is(ctx: AppContext, admin: Actor) -> None:
    assert cs.import_council(ctx, admin, letters_dir() / "council.sample.toml") == 1
    assert cs.council_settings(ctx) == SAMPLE


def test_export_never_writes_over_a_file_unless_forced_nor_over_the_database(
        ctx: AppContext, admin: Actor, tmp_path: Path) -> None:
    cs.save_council(ctx, admin, *fields(), expected_version=0)
    (tmp_path / "council-logo.png").write_bytes(b"keep me")
    with pytest.raises(SettingsError, match=r"council-logo\.png already exists; nothing was written"):
        cs.export_council(ctx, admin, tmp_path / "council.toml")
    assert not (tmp_path / "council.toml").exists() and (tmp_path / "council-logo.png").read_bytes() == b"keep me"
    cs.export_council(ctx, admin, tmp_path / "council.toml", force=True)
    assert (tmp_path / "council-logo.png").read_bytes() != b"keep me"
    if ctx.db.is_sqlite:
        database = Path(str(ctx.db.engine.url.database))
        with pytest.raises(SettingsError, match="the database in use"):
            cs.export_council(ctx, admin, database, force=True, database=database)
        assert database.read_bytes().startswith(b"SQLite format 3")


def test_a_file_with_problems_imports_nothing(ctx: AppContext, admin: Actor, tmp_path: Path) -> None:
    text = (letters_dir() / "council.sample.toml").read_text("utf-8").replace('phone = "01632 960000"',
                                                                               'phone = "ring us"')
    path = write_sample_file(tmp_path, text.replace('logo = "marches_logo.png"', 'logo = "blocks/mediation.txt"'))
    with pytest.raises(SettingsError) as refused:
        cs.import_council(ctx, admin, path)
    assert "[council] phone: 'ring us' is not a phone number" in str(refused.value)
    assert "[council] logo: mediation.txt: it is not a PNG or JPEG image" in str(refused.value)
    assert cs.stored_version(ctx) == 0


@pytest.mark.parametrize(("values", "why"), [
    ({"id": 2}, "one_row"),
    ({"logo": b"\x89PNG", "logo_type": "image/gif"}, "logo_type"),
    ({"logo": b"\x89PNG", "logo_type": None}, "logo_with_type"),
    ({"logo": bytes(1_000_001), "logo_type": "image/png"}, "logo_size"),
])
def test_the_database_itself_keeps_one_row_and_a_small_png_or_jpeg(ctx: AppContext, values: dict[str, Any],
                                                                    why: str) -> None:
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    row = {"id": 1, "details": {}, "blocks": {}, "logo": None, "logo_type": None,
           "changed_at": now_utc(), "version": 1}
    with ctx.db.session() as s:
        s.execute(insert(CouncilSettingsRecord), row)
    with pytest.raises(IntegrityError, match=why), ctx.db.session() as s:
        if values.get("id", 1) == 1:
            s.execute(CouncilSettingsRecord.__table__.update().values(**values))  # type: ignore[attr-defined]
        else:
            s.execute(insert(CouncilSettingsRecord), {**row, **values})


def test_a_database_from_before_0007_gains_an_empty_settings_table(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    from caseworker.store.database import normalise_url, open_database
    from caseworker.store.migrate import upgrade

    engine = create_engine(normalise_url(db_url))
    upgrade(engine, "0006_reference_any_case")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (id, username, display_name, role, fte, active, version) "
                          "VALUES (1, 'jsmith', 'Jo Smith', 'admin', 1.0, TRUE, 1)"))
    engine.dispose()
    reopened = open_database(db_url)
    try:
        ctx = AppContext(db=reopened)
        assert cs.stored_version(ctx) == 0
        with pytest.raises(SettingsError, match="letters need your council's settings"):
            cs.load_council(ctx)
    finally:
        reopened.dispose()
