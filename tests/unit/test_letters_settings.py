"""Council settings: the sample loads; a missing block or contact is refused, naming the file and key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from caseworker.letters import MandatoryBlocksMissing, SettingsError, TemplateFormatError, load_council_settings
from caseworker.letters.resources import ENV_VAR, letters_dir, resources_dir, sample_council_file

SAMPLE = sample_council_file().read_text("utf-8")


def test_the_sample_council_is_fictional_and_complete() -> None:
    c = load_council_settings()
    assert c.name == "Marches County Council"
    assert c.logo is not None and c.logo.media_type == "image/png" and c.logo.data.startswith(b"\x89PNG")
    assert set(c.blocks) >= {"appeal_rights", "mediation", "sendiass"}
    phones = [c.phone, c.mediation_adviser.phone, c.la_mediation.phone, c.disagreement_resolution.phone,
              c.sendiass.phone]
    assert all(re.fullmatch(r"01632 960\d\d\d", p) for p in phones)  # Ofcom's drama numbers
    emails = [c.email, c.mediation_adviser.email, c.la_mediation.email, c.sendiass.email]
    assert all(e.endswith((".example.gov.uk", ".example.org.uk")) for e in emails)


def copy_settings(tmp_path: Path, text: str = SAMPLE) -> Path:
    shutil.copytree(letters_dir() / "blocks", tmp_path / "blocks")
    shutil.copy(letters_dir() / "marches_logo.png", tmp_path / "marches_logo.png")
    path = tmp_path / "council.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("block", ["appeal_rights", "mediation", "sendiass"])
def test_settings_without_a_mandatory_block_are_refused(tmp_path: Path, block: str) -> None:
    path = copy_settings(tmp_path, re.sub(rf"^{block} = .*$", "", SAMPLE, flags=re.M))
    with pytest.raises(MandatoryBlocksMissing, match=block):
        load_council_settings(path)


def test_an_empty_or_missing_block_file_is_refused(tmp_path: Path) -> None:
    path = copy_settings(tmp_path)
    (tmp_path / "blocks" / "sendiass.txt").write_text("\n  \n", "utf-8")
    with pytest.raises(MandatoryBlocksMissing, match="sendiass"):
        load_council_settings(path)
    (tmp_path / "blocks" / "sendiass.txt").unlink()
    with pytest.raises(MandatoryBlocksMissing, match="sendiass"):
        load_council_settings(path)


def test_no_blocks_section_at_all_is_refused(tmp_path: Path) -> None:
    path = copy_settings(tmp_path, SAMPLE.split("[blocks]")[0])
    with pytest.raises(MandatoryBlocksMissing, match="blocks"):
        load_council_settings(path)


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.replace('name = "Marches SENDIASS (fictional)"', ""), r"\[sendiass\] name"),
    (lambda s: s.replace('phone = "01632 960000"', ""), r"\[council\] phone"),
    (lambda s: s.replace('address = ["Children', 'address = "x"\n#'), r"\[council\] address"),
    (lambda s: s.replace("[tribunal]", "[tribunal]\nfax = '1'"), r"\[tribunal\] has unknown key.*fax"),
    (lambda s: s.replace('logo = "marches_logo.png"', 'logo = "nope.png"'), "logo"),
    (lambda s: s.replace("[council]", "[council"), "not valid TOML"),
])
def test_a_malformed_settings_file_is_refused_naming_the_key(tmp_path: Path, change: object, message: str) -> None:
    path = copy_settings(tmp_path, change(SAMPLE))  # type: ignore[operator]
    with pytest.raises(SettingsError, match=message) as caught:
        load_council_settings(path)
    assert "council.toml" in str(caught.value)


def test_a_block_with_a_syntax_error_is_refused_at_load(tmp_path: Path) -> None:
    path = copy_settings(tmp_path)
    (tmp_path / "blocks" / "mediation.txt").write_text("Contact {{ council.mediation_adviser.name \n", "utf-8")
    with pytest.raises(TemplateFormatError, match="block mediation"):
        load_council_settings(path)


def test_resources_are_found_in_the_repository_or_where_the_environment_says(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert (resources_dir() / "fonts" / "DejaVuSans.ttf").is_file()
    assert (resources_dir() / "fonts" / "LICENSE").read_text("utf-8").count("Bitstream") > 3
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert resources_dir() == tmp_path


def test_the_check_command_makes_every_letter_and_reports_a_broken_template(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from caseworker.letters.__main__ import main

    assert main(["--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "final_plan_cover.pdf").read_bytes().startswith(b"%PDF")
    broken = tmp_path / "templates"
    shutil.copytree(letters_dir() / "templates", broken)
    path = broken / "advice_chase.txt"
    path.write_text(path.read_text("utf-8").replace("{{ advice.due }}", "{{ advice.dew }}"), "utf-8")
    assert main(["--templates", str(broken)]) == 1
    assert "template advice_chase: 'advice.dew' is not a field" in capsys.readouterr().err
