"""The Council settings dialog: admins only, problems beside their fields with nothing saved, saving for the
whole team, another admin's save in between, the logo chooser, and the preview of a sample letter.

Set CASEWORKER_SCREENSHOTS=1 to refresh docs/screenshots/council-settings.png (1280 x 720).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.context import AppContext
from caseworker.errors import PermissionDenied
from caseworker.letters.settings import load_council_settings
from caseworker.letters.settings_file import settings_document
from caseworker.services import council_settings as service
from caseworker.services.actor import Actor
from caseworker.store.models import AuditEvent
from tests.gui.builders import open_window, wait_idle
from tests.gui.conftest import add_staff
from tests.gui.sizes import squashed
from tests.gui.test_mnemonics import shared_mnemonics
from ui.context import DesktopContext
from ui.dialogs.council_settings import CouncilSettingsDialog

SAMPLE = load_council_settings()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def admin(app_ctx: AppContext) -> Actor:
    return add_staff(app_ctx, "hking", "Helen King", "admin")


@pytest.fixture
def stored(app_ctx: AppContext, admin: Actor) -> int:
    """The sample council saved in the database, as an admin would have (version 1)."""
    return service.save_council(app_ctx, admin, settings_document(SAMPLE), dict(SAMPLE.blocks), SAMPLE.logo,
                                expected_version=0)


def open_dialog(qtbot: QtBot, desktop: DesktopContext, admin: Actor) -> CouncilSettingsDialog:
    desktop.set_actor(admin)
    dialog = CouncilSettingsDialog(desktop)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, desktop)  # the settings load, then the first preview is made
    return dialog


def saved_version(app_ctx: AppContext) -> int:
    return service.stored_version(app_ctx)


def test_an_admin_changes_a_field_and_saves_it_for_the_whole_team(qtbot: QtBot, desktop: DesktopContext,
                                                                  app_ctx: AppContext, admin: Actor,
                                                                  stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    assert shared_mnemonics(dialog) == {}  # each Alt+key reaches one field or button
    assert dialog.lines["council.name"].text() == "Marches County Council"
    assert "version 1, last saved by Helen King" in dialog.note.text()
    phone = dialog.lines["sendiass.phone"]
    phone.selectAll()
    qtbot.keyClicks(phone, "01632 960888")
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save_button.click()
    assert saved.args == [2] and not dialog.isVisible()
    assert service.council_settings(app_ctx).sendiass.phone == "01632 960888"
    with app_ctx.db.sessions() as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "council_settings.save")
                        .order_by(AuditEvent.id.desc())).first()
    assert row is not None and row.actor_id == admin.id
    assert (row.before, row.after) == ({"sendiass.phone": "01632 960250"}, {"sendiass.phone": "01632 960888"})


def test_every_tab_fits_a_1280_by_720_screen_with_nothing_squashed(qtbot: QtBot, desktop: DesktopContext,
                                                                   admin: Actor, stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        assert squashed(dialog) == [], dialog.tabs.tabText(tab)
    for key in ("council.email", "council.phone", "council.postcode", "council.website"):
        dialog.lines[key].setText("not right")
    dialog.save_button.click()  # four problems shown under their fields, and one under the form
    assert dialog.tabs.currentIndex() == 0 and "not right" in dialog.problem_text()
    qtbot.waitUntil(lambda: squashed(dialog) == [], timeout=3000)  # once the layout has settled


def test_an_invalid_email_is_shown_beside_its_field_and_nothing_is_saved(qtbot: QtBot, desktop: DesktopContext,
                                                                        app_ctx: AppContext, admin: Actor,
                                                                        stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    dialog.tabs.setCurrentIndex(2)
    email = dialog.lines["council.email"]
    email.selectAll()
    qtbot.keyClicks(email, "send at marches")
    dialog.save_button.click()
    wait_idle(qtbot, desktop)
    [row] = [r for r in dialog.rows if r.widget is email]
    assert row.problem.reasons() == "'send at marches' is not an email address, e.g. send@council.gov.uk."
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 0  # the Council tab, where the problem is
    assert not dialog.tabs.tabIcon(0).isNull() and dialog.tabs.tabIcon(1).isNull()
    assert "Nothing was saved" in dialog.general.reasons()
    assert saved_version(app_ctx) == stored == 1
    email.selectAll()
    qtbot.keyClicks(email, "send@marches.example.gov.uk")  # put right: the problem goes as it is typed
    assert row.problem.reasons() == "" and dialog.tabs.tabIcon(0).isNull()


def test_a_broken_paragraph_is_refused_beside_it(qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext,
                                                 admin: Actor, stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    dialog.blocks["mediation"].setPlainText("Contact {{ council.mediation_adviser.nmae }} within 2 months.")
    dialog.save_button.click()
    wait_idle(qtbot, desktop)
    [row] = [r for r in dialog.rows if r.widget is dialog.blocks["mediation"]]
    assert "nmae" in row.problem.reasons()
    assert dialog.tabs.currentIndex() == 2 and not dialog.block_tabs.tabIcon(1).isNull()
    assert saved_version(app_ctx) == 1


@pytest.mark.parametrize("role", ["caseworker", "read_only", "team_lead"])
def test_only_an_admin_can_open_it(qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext, tmp_path: Path,
                                   role: str) -> None:
    someone = add_staff(app_ctx, f"user_{role}", "Some One", role)
    desktop.set_actor(someone)
    window, failed = open_window(qtbot, desktop, tmp_path)
    assert not window.council_settings_action.isVisible()
    assert window.open_council_settings() is None and window.findChild(CouncilSettingsDialog) is None
    with pytest.raises(PermissionDenied):
        CouncilSettingsDialog(desktop)
    assert failed.errors == []


def test_the_file_menu_opens_it_for_an_admin(qtbot: QtBot, desktop: DesktopContext, admin: Actor, stored: int,
                                             tmp_path: Path) -> None:
    desktop.set_actor(admin)
    window, failed = open_window(qtbot, desktop, tmp_path)
    assert window.council_settings_action.isVisible()
    window.council_settings_action.trigger()
    dialog = window.findChild(CouncilSettingsDialog)
    assert isinstance(dialog, CouncilSettingsDialog) and dialog.isVisible()
    wait_idle(qtbot, desktop)
    assert dialog.lines["tribunal.name"].text().startswith("First-tier Tribunal")
    dialog.reject()
    assert failed.errors == []


def test_another_admin_saving_first_is_reported_and_reload_shows_theirs(
        qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext, admin: Actor, stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    other = add_staff(app_ctx, "second", "Sam Second", "admin")
    document = settings_document(SAMPLE)
    document["council"]["phone"] = "01632 960555"
    service.save_council(app_ctx, other, document, dict(SAMPLE.blocks), SAMPLE.logo, expected_version=1)
    dialog.lines["council.phone"].setText("01632 960444")
    dialog.save_button.click()
    wait_idle(qtbot, desktop)
    assert dialog.isVisible() and not dialog.conflict.isHidden()
    assert "saved by Sam Second since you opened them" in dialog.conflict_text.text()
    assert service.council_settings(app_ctx).phone == "01632 960555"
    dialog.load()
    wait_idle(qtbot, desktop)
    assert dialog.lines["council.phone"].text() == "01632 960555" and dialog.conflict.isHidden()


def png_file(folder: Path, colour: tuple[int, int, int]) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (200, 120), colour).save(out, "PNG")
    path = folder / "logo.png"
    path.write_bytes(out.getvalue())
    return path


def test_a_logo_that_is_not_an_image_is_refused_and_a_new_one_is_saved(
        qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext, admin: Actor, stored: int,
        tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    fake = tmp_path / "letterhead.png"
    fake.write_text("not a picture", "utf-8")
    dialog.logo.choose_file(fake)
    [row] = [r for r in dialog.rows if r.widget is dialog.logo]
    assert dialog.logo.logo == SAMPLE.logo  # the logo before it is kept
    dialog.save_button.click()
    wait_idle(qtbot, desktop)
    assert "The file chosen, letterhead.png: it is not a PNG or JPEG image" in row.problem.reasons()
    assert saved_version(app_ctx) == 1
    dialog.logo.choose_file(png_file(tmp_path, (200, 20, 20)))
    assert row.problem.reasons() == "" and dialog.logo.thumbnail.pixmap().width() == 88
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save_button.click()
    logo = service.council_settings(app_ctx).logo
    assert logo is not None and logo.data == png_file(tmp_path, (200, 20, 20)).read_bytes()


def page_image(dialog: CouncilSettingsDialog) -> QImage:
    return dialog.preview.page.pixmap().toImage()


def red_in_letterhead(page: QImage) -> bool:
    """Whether bright red shows in the top left of the page, where the logo prints."""
    return any((c := page.pixelColor(x, y)).red() > 200 and c.green() < 60 and c.blue() < 60
               for x in range(0, page.width() // 4, 3) for y in range(page.height() // 8))


def test_preview_shows_the_letterhead_as_typed_before_anything_is_saved(
        qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext, admin: Actor, stored: int,
        tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    first = page_image(dialog)
    if os.environ.get("CASEWORKER_SCREENSHOTS"):
        dialog.grab().save(str(SCREENSHOTS / "council-settings.png"))
    assert not first.isNull() and first.width() > 300 and first.height() > first.width()  # an A4 page
    dialog.logo.choose_file(png_file(tmp_path, (230, 0, 0)))  # a bright red logo, top left of the page
    dialog.preview_button.click()
    wait_idle(qtbot, desktop)
    assert not red_in_letterhead(first) and red_in_letterhead(page_image(dialog))
    assert saved_version(app_ctx) == 1  # a preview saves nothing


def test_a_real_team_with_no_settings_is_told_and_an_empty_form_saves_nothing(
        qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext, admin: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEWORKER_COUNCIL_SETTINGS", raising=False)
    dialog = open_dialog(qtbot, desktop, admin)
    assert "stores no council settings yet, so letters cannot be made" in dialog.note.text()
    # The paragraphs and the Tribunal start from Caseworker's wording; nothing of the sample council itself.
    assert dialog.block_texts() == dict(SAMPLE.blocks)
    assert dialog.lines["tribunal.website"].text() == SAMPLE.tribunal.website
    assert dialog.lines["council.name"].text() == "" and dialog.lines["sendiass.name"].text() == ""
    assert dialog.logo.logo is None
    dialog.save_button.click()
    wait_idle(qtbot, desktop)
    text = dialog.problem_text()
    assert text.count("Missing or empty.") == 10 and saved_version(app_ctx) == 0  # council 6, contacts 4


def test_a_desktop_s_letters_follow_a_save_made_on_another_desktop(desktop: DesktopContext, app_ctx: AppContext,
                                                                   admin: Actor, stored: int) -> None:
    assert desktop.letter_kit().council.name == "Marches County Council"
    document = settings_document(SAMPLE)
    document["council"]["name"] = "Marches Unitary Council"
    service.save_council(app_ctx, admin, document, dict(SAMPLE.blocks), SAMPLE.logo, expected_version=stored)
    assert desktop.letter_kit().council.name == "Marches Unitary Council"


def test_the_paragraphs_keep_every_character_as_typed(qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext,
                                                      admin: Actor, stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    assert dialog.block_texts() == dict(SAMPLE.blocks)  # opened and untouched: exactly as stored
    wording = "## Mediation\n\nCall us on 01632\u00a0960000 (a non-breaking space keeps the number whole).\n"
    dialog.blocks["mediation"].setPlainText(wording)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save_button.click()
    assert service.council_settings(app_ctx).blocks["mediation"] == wording


def test_a_stored_copy_the_rules_now_refuse_is_shown_and_can_be_put_right(
        qtbot: QtBot, desktop: DesktopContext, app_ctx: AppContext, admin: Actor, stored: int) -> None:
    from caseworker.store.models import CouncilSettingsRecord

    with app_ctx.db.session() as s:  # e.g. written by an older release with looser checks
        row = s.get(CouncilSettingsRecord, 1)
        assert row is not None
        row.details = {**row.details, "council": {**row.details["council"], "phone": "ring us"}}
    dialog = open_dialog(qtbot, desktop, admin)
    assert "cannot be read" in dialog.note.text() and "'ring us' is not a phone number" in dialog.note.text()
    dialog.fill(SAMPLE)
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save_button.click()
    assert saved.args == [3] and service.council_settings(app_ctx) == SAMPLE


def test_the_under_fives_review_interval_is_typed_checked_and_saved(qtbot: QtBot, desktop: DesktopContext,
                                                                    app_ctx: AppContext, admin: Actor,
                                                                    stored: int) -> None:
    dialog = open_dialog(qtbot, desktop, admin)
    months = dialog.lines["plans.under_fives_review_months"]
    assert months.text() == "" and months.placeholderText() == "6 (the default)"
    qtbot.keyClicks(months, "13")
    dialog.save_button.click()
    assert "from 1 to 12" in dialog.problem_text() and saved_version(app_ctx) == 1
    months.selectAll()
    qtbot.keyClicks(months, "4")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save_button.click()
    assert service.under_fives_months(app_ctx) == 4
    again = open_dialog(qtbot, desktop, admin)
    assert again.lines["plans.under_fives_review_months"].text() == "4"
