"""The council's logo: a PNG or JPEG image, checked to really be one before any letter carries it.

A logo reaches Caseworker from a settings file or from the Settings dialog, and is stored in the
database for the whole team, so it is checked once on the way in: not too large to keep in every
desktop's memory, one of the two formats reportlab prints, and an image Pillow can decode whole (a
renamed document or a truncated download is refused here, not when the morning's letters are made).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

LOGO_MAX_BYTES = 1_000_000  # a letterhead logo is a few kilobytes; a photograph is the wrong file
LOGO_MAX_SIDE = 4000  # pixels: printed 20 mm wide, anything bigger is wasted (and a decompression bomb risk)
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg"}
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class LogoRefused(ValueError):
    """The bytes are not a logo Caseworker can print; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class Logo:
    """The image itself (not a file name), so every desktop prints the same logo."""

    data: bytes
    media_type: str  # image/png or image/jpeg

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.media_type]

    def describe(self) -> dict[str, object]:
        """What the audit trail records of it: its fingerprint, never its bytes."""
        return {"sha256": self.sha256, "type": self.media_type, "bytes": len(self.data)}


def check_logo(data: bytes) -> Logo:
    """The logo in ``data``, or LogoRefused saying what is wrong with it."""
    if not data:
        raise LogoRefused("the file is empty")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused(f"the image is {len(data) / 1e6:.1f} MB; a logo may be at most "
                          f"{LOGO_MAX_BYTES // 1_000_000} MB (save it smaller, e.g. 600 pixels wide)")
    claimed = next((kind for signature, kind in _SIGNATURES if data.startswith(signature)), None)
    if claimed is None:
        raise LogoRefused("it is not a PNG or JPEG image (save the logo as PNG)")
    width, height, found = _decode(data)
    if MEDIA_TYPES.get(found) != claimed:
        raise LogoRefused(f"it starts like a {SUFFIXES[claimed][1:].upper()} image but is not one")
    if width < 16 or height < 16:
        raise LogoRefused(f"the image is {width} x {height} pixels, too small to print")
    return Logo(data, claimed)


def _decode(data: bytes) -> tuple[int, int, str]:
    """(width, height, format), decoding every pixel: a truncated or corrupt image is refused."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if max(width, height) > LOGO_MAX_SIDE:  # checked before the pixels are decoded
                raise LogoRefused(f"the image is {width} x {height} pixels; a logo may be at most "
                                  f"{LOGO_MAX_SIDE} pixels on a side")
            image.load()
            return width, height, str(image.format)
    except LogoRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise LogoRefused(f"the image cannot be read ({exc.__class__.__name__}); it may be damaged") from None
