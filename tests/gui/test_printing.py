"""Printing the stored letters without a printer: paint onto a QPrinter set to PDF output and count the
pages; print-to-file writes the logged bytes unchanged; Cancel stops between pages; Save adds .pdf."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

import ui.printing
from caseworker.letters import load_council_settings, load_templates, render_many
from caseworker.letters.samples import sample_facts, sample_recipient_for
from ui.printing import paint_pdf, print_pdf, safe_file_name, save_pdf


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert found is not None, info
    return int(found.group(1))


@pytest.fixture(scope="module")
def combined(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, int]:
    """Several sample letters in one PDF (as a batch makes them), and how many pages it has."""
    templates, council = load_templates(), load_council_settings(None)  # the shipped sample council
    letters = [templates.render(t, sample_facts(council, recipient=sample_recipient_for(templates.get(t).recipients)))
               for t in ("advice_chase", "exception_notice", "decision_not_to_assess")]
    pdf = render_many(letters)
    path = tmp_path_factory.mktemp("combined") / "combined.pdf"
    path.write_bytes(pdf)
    return pdf, pages(path)


def pdf_printer(out: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def test_painting_the_combined_pdf_onto_a_printer_gives_every_page_in_order(qtbot: QtBot, tmp_path: Path,
                                                                          combined: tuple[bytes, int]) -> None:
    pdf, count = combined
    assert count >= 3
    out = tmp_path / "printed.pdf"
    seen: list[tuple[int, int]] = []
    assert paint_pdf(pdf, pdf_printer(out), lambda done, total: seen.append((done, total)) is None)
    assert pages(out) == count
    assert seen == [(n, count) for n in range(1, count + 1)]


def test_cancel_stops_between_pages(qtbot: QtBot, tmp_path: Path, combined: tuple[bytes, int]) -> None:
    pdf, count = combined
    calls: list[int] = []

    def stop_after_first(done: int, _total: int) -> bool:
        calls.append(done)
        return done < 1

    assert not paint_pdf(pdf, pdf_printer(tmp_path / "stopped.pdf"), stop_after_first)
    assert calls == [1] and count > 1


def test_print_to_file_writes_the_logged_bytes_unchanged(qtbot: QtBot, tmp_path: Path,
                                                         combined: tuple[bytes, int],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pdf, _ = combined
    out = tmp_path / "to-file.pdf"

    def print_to_file(_parent: object, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(ui.printing, "choose_printer", print_to_file)
    assert print_pdf(None, pdf, "Three letters")
    assert out.read_bytes() == pdf  # vector text, exactly as logged: not a re-drawing


def test_no_printer_chosen_prints_nothing(qtbot: QtBot, combined: tuple[bytes, int],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui.printing, "choose_printer", lambda _parent, _printer: False)
    assert not print_pdf(None, combined[0], "Three letters")


def test_save_as_pdf_writes_the_bytes_and_adds_the_extension(qtbot: QtBot, tmp_path: Path,
                                                             combined: tuple[bytes, int],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def answer(_parent: object, suggested: str) -> str:
        asked.append(suggested)
        return str(tmp_path / "chase")

    monkeypatch.setattr(ui.printing, "ask_save_path", answer)
    name = safe_file_name("EHC-2024-0001", "Advice overdue: reminder")
    assert name == "EHC-2024-0001-Advice-overdue-reminder.pdf"
    assert save_pdf(None, combined[0], name) == tmp_path / "chase.pdf"
    assert (tmp_path / "chase.pdf").read_bytes() == combined[0] and asked == [name]
    monkeypatch.setattr(ui.printing, "ask_save_path", lambda _parent, _suggested: "")
    assert save_pdf(None, combined[0], name) is None  # cancelled: nothing written
