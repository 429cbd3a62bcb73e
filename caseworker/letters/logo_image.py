"""The council's logo drawn on a letter, its PDF image made once per process rather than once per letter.

reportlab's ``drawImage`` names the image by an MD5 of its decoded pixels and compresses those pixels
(and the transparency mask) again for every document: about a fifth of the cost of a one-page letter
with a 240 x 240 logo. The logo is the same on every letter of a batch, so the finished image objects
are kept and copied into each letter. The bytes written are exactly those ``drawImage`` writes (the
same name, stream, mask and drawing commands), so a letter does not depend on the cache.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

MASK = "auto"  # the logo's own transparency (a PNG's alpha channel), as drawImage(mask="auto") reads it


@dataclass(frozen=True, slots=True)
class _LogoImage:
    name: str  # what drawImage would call the image: the MD5 of its pixels and mask
    image: PDFImageXObject  # pixels compressed; copied into each document, never written itself
    smask: PDFImageXObject | None  # the alpha channel as a soft mask, if the logo has one


@lru_cache(maxsize=4)
def _logo_image(data: bytes) -> _LogoImage:
    """The logo decoded, named and compressed once (per image)."""
    reader = ImageReader(io.BytesIO(data))
    pixels = reader.getRGBData()  # also splits off the alpha channel, if any, as reader._dataA
    alpha = reader._dataA
    name = _digester(pixels + (alpha.getRGBData() if alpha else MASK.encode("utf8")))
    image = PDFImageXObject(name, reader, mask=MASK)
    smask = getattr(image, "_smask", None)
    if smask is not None:
        del image._smask
    return _LogoImage(name, image, smask)


def draw_logo(canv: Canvas, data: bytes, x: float, y: float, width: float, height: float) -> None:
    """Draw the logo in the box, aspect kept and centred, as ``canv.drawImage(..., mask="auto",
    preserveAspectRatio=True)`` does."""
    logo = _logo_image(data)
    doc = canv._doc
    canv._currentPageHasImages = 1
    reg_name = doc.getXObjectName(logo.name)
    image = doc.idToObject.get(reg_name)
    if not image:
        image = _add_to_document(canv, logo, reg_name)
    x, y, width, height, _ = aspectRatioFix(True, "c", x, y, width, height, image.width, image.height, False)
    canv.saveState()
    canv.translate(x, y)
    canv.scale(width, height)
    canv._code.append(f"/{reg_name} Do")
    canv.restoreState()
    canv._formsinuse.append(logo.name)


def _add_to_document(canv: Canvas, logo: _LogoImage, reg_name: str) -> PDFImageXObject:
    """Register copies of the kept image objects with this document (the first time it shows the logo)."""
    doc = canv._doc
    image = copy.copy(logo.image)  # the document sets the mask reference on its own copy
    canv._setXObjects(image)
    doc.Reference(image, reg_name)
    doc.addForm(logo.name, image)
    if logo.smask is not None:
        mask_name = doc.getXObjectName(logo.smask.name)
        if doc.idToObject.get(mask_name, None):
            image.smask = PDFObjectReference(mask_name)
        else:
            smask = copy.copy(logo.smask)
            canv._setXObjects(smask)
            image.smask = doc.Reference(smask, mask_name)
    return image
