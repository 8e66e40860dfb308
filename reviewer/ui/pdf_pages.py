"""PDF pages as images and on a printer, with pdfium (the pypdfium2 wheel: Windows, macOS, Linux alike).

The print center shows a case's pages and sends a file to a printer chosen in Qt's print dialog;
no external program (pdftoppm) is needed.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter


def page_count(pdf: Path) -> int:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def _image(document, index: int, dpi: float) -> QImage:
    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888)
        return image.copy()  # own the pixels: the bitmap's buffer goes with it
    finally:
        page.close()


def page_image(pdf: Path, index: int = 0, dpi: float = 70) -> QImage:
    """Page `index` (from 0) of `pdf` as an image at `dpi`."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        return _image(document, index, dpi)
    finally:
        document.close()


def print_pdf(pdf: Path, printer: QPrinter, first: int = 1, last: int = 0) -> int:
    """Print pages `first`..`last` (1-based; 0: to the end) of `pdf` on `printer`, each page fitted to the
    printable area at the printer's resolution (at most 300 dpi). Returns the pages printed."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        total = len(document)
        last = total if last <= 0 else min(last, total)
        first = max(1, first)
        dpi = min(300, max(72, printer.resolution()))
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be opened")
        try:
            for number in range(first, last + 1):
                if number > first:
                    printer.newPage()
                image = _image(document, number - 1, dpi)
                area = printer.pageLayout().paintRectPixels(printer.resolution())
                scale = min(area.width() / image.width(), area.height() / image.height())
                target = QRectF(0, 0, image.width() * scale, image.height() * scale)
                painter.drawImage(target, image)
        finally:
            painter.end()
        return max(0, last - first + 1)
    finally:
        document.close()
