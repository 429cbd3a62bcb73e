"""The application icon: the committed PNGs and .ico are the SVG as it stands, at the sizes desktops ask for.

Qt draws and reads the images, so the tests take pytest-qt's application (``qapp``).
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]
ICONS = REPO / "resources" / "icons"


@pytest.fixture(scope="module")
def render_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_icons", REPO / "installer" / "render_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def image(data: bytes) -> QImage:
    picture = QImage.fromData(data)
    assert not picture.isNull()
    return picture.convertToFormat(QImage.Format.Format_ARGB32)


def largest_channel_difference(a: bytes, b: bytes) -> int:
    first, second = image(a), image(b)
    assert first.size() == second.size()
    return max(abs(x - y) for x, y in zip(first.constBits().tobytes(), second.constBits().tobytes(), strict=True))


@pytest.mark.parametrize("size", [256, 48])
def test_each_png_is_the_svg_rendered_at_its_size(render_icons: ModuleType, qapp: object, size: int) -> None:
    committed = (ICONS / f"caseworker-{size}.png").read_bytes()
    # A Qt release may round an anti-aliased edge differently; a changed drawing differs by far more.
    assert largest_channel_difference(committed, render_icons.render_png(size)) <= 8, \
        "resources/icons is out of date: run installer/render_icons.py"


def test_the_windows_icon_holds_every_size_from_16_to_256(qapp: object) -> None:
    data = (ICONS / "caseworker.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for n in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * n)
        png = data[offset:offset + length]
        assert png.startswith(b"\x89PNG")
        picture = image(png)
        side = width or 256
        assert (picture.width(), picture.height()) == (side, height or 256)
        sizes.append(side)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
