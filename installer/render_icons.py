"""Render the application icon's PNGs and the Windows .ico from resources/icons/caseworker.svg.

    .venv/bin/python installer/render_icons.py

Run it after changing the SVG and commit what it writes. It uses Qt's own SVG renderer (already a
dependency), so no image library is needed; the .ico holds one PNG per size, which Windows reads from
Vista on and Inno Setup accepts.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "caseworker.svg"
PNG_SIZES = (256, 48)  # the .desktop file's and the window's; a toolkit scales between them
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # what Windows asks for: taskbar, Start menu, Explorer views


def render_png(size: int) -> bytes:
    """The SVG drawn at ``size`` pixels square, on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {SVG} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_file(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file: a 6-byte header, a 16-byte entry per image, then the PNGs themselves."""
    header = struct.pack("<HHH", 0, 1, len(pngs))  # reserved, type 1 = icon, image count
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # a byte: 0 stands for 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {size: render_png(size) for size in sorted({*PNG_SIZES, *ICO_SIZES})}
    for size in PNG_SIZES:
        (ICONS / f"caseworker-{size}.png").write_bytes(pngs[size])
    (ICONS / "caseworker.ico").write_bytes(ico_file(pngs))
    del app
    print(f"render_icons: wrote caseworker-{{{','.join(map(str, PNG_SIZES))}}}.png and caseworker.ico in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
