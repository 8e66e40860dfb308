"""One combined PDF of many case files, with pikepdf (qpdf): a bookmark per case and per document.

Each case file's pages are copied into the combined file as it comes (qpdf copies the objects
they use); then the fonts and forms those pages use are compared with the ones already in the
combined file, by content, and an identical one is shared rather than kept again. With
`fonts.seed` every case file embeds the same subset of the main fonts, so the combined file
carries one copy of them, not one per case. Stream data is read into the combined file at once,
so each case file is closed right after it is added (no file stays open; thousands can be
combined). The file is written through a temporary name and renamed into place on `close`.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, Stream

SHARED = (Name.Font, Name.XObject, Name.ExtGState)


class MergeError(Exception):
    """An input file cannot be read as a PDF; the message names it."""


@dataclass
class _Bookmark:
    title: str
    page: int
    children: list[tuple[str, int]] = field(default_factory=list)


class PdfAppender:
    """Appends case files to `target`, keeping one copy of shared resources, with bookmarks."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.tmp = self.target.with_name(f".{self.target.name}.{os.getpid()}.part")
        self.pdf = Pdf.new()
        self.shared: dict[bytes, pikepdf.Object] = {}
        self.bookmarks: list[_Bookmark] = []
        self.font_names: set[str] = set()  # subset names in use: two different subsets never share one

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)

    def add(self, path: Path, title: str = "", documents: Iterable[tuple[str, int]] = ()) -> int:
        """Append every page of `path`; `title` bookmarks its first page, `documents` (title, first page
        within the file) bookmark each document under it. Returns the number of pages added."""
        first = len(self.pdf.pages)
        try:
            with Pdf.open(path) as source:
                for page in source.pages:
                    self.pdf.pages.append(page)
                for page in self.pdf.pages[first:]:
                    self._share(page.obj)
                    self._own_streams(page.obj.get(Name.Contents))
        except pikepdf.PdfError as exc:
            del self.pdf.pages[first:]
            raise MergeError(f"{Path(path).name}: not a readable PDF ({exc})") from None
        added = len(self.pdf.pages) - first
        if title:
            self.bookmarks.append(_Bookmark(title, first, [(t, first + p) for t, p in documents if p < added]))
        return added

    # --- one copy of what the pages share ----------------------------------------------------------
    def _share(self, holder: Dictionary) -> None:
        """Replace each font, form and graphics state in `holder`'s resources by an identical one already kept."""
        resources = holder.get(Name.Resources)
        if not isinstance(resources, Dictionary):
            return
        for kind in SHARED:
            group = resources.get(kind)
            if not isinstance(group, Dictionary):
                continue
            for name in list(group.keys()):
                item = group[name]
                if isinstance(item, Stream) and item.get(Name.Subtype) == Name.Form:
                    self._share(item)  # a form's own fonts first, so that identical forms digest alike
                key = _digest(item, {})
                kept = self.shared.get(key)
                if kept is None:
                    self._own_streams(item)
                    if kind == Name.Font:
                        self._unique_name(item, key)
                    self.shared[key] = item
                else:
                    group[name] = kept

    def _unique_name(self, font: Dictionary, key: bytes) -> None:
        """Give a font subset a tag of its own ('ABCDEF+Name') when another subset already has its name."""
        base = str(font.get(Name.BaseFont, ""))
        if base not in self.font_names:
            self.font_names.add(base)
            return
        number = int.from_bytes(key[:8], "big")
        letters = []
        for _ in range(6):
            number, rest = divmod(number, 26)
            letters.append(chr(65 + rest))
        renamed = Name("/" + "".join(letters) + "+" + base.split("+", 1)[-1])
        font.BaseFont = renamed
        descriptor = font.get(Name.FontDescriptor)
        if isinstance(descriptor, Dictionary):
            descriptor.FontName = renamed
        self.font_names.add(str(renamed))

    def _own_streams(self, obj, seen: set | None = None) -> None:
        """Read every stream reachable from `obj` into the combined file (nothing left to read from the case file)."""
        seen = set() if seen is None else seen
        if not isinstance(obj, (Dictionary, Array, Stream)):
            return
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, Stream):
            data = obj.read_raw_bytes()
            obj.write(data, filter=obj.get(Name.Filter), decode_parms=obj.get(Name.DecodeParms), type_check=False)
            obj = obj.stream_dict
        if isinstance(obj, Dictionary):
            for key in obj.keys():
                if key != "/Parent":
                    value = obj[key]
                    if isinstance(value, (Dictionary, Array, Stream)):
                        self._own_streams(value, seen)
        elif isinstance(obj, Array):
            for item in obj:
                if isinstance(item, (Dictionary, Array, Stream)):
                    self._own_streams(item, seen)

    # --- writing ---------------------------------------------------------------------------------------
    def close(self) -> int:
        """Write the bookmarks and the file (temporary name, renamed into place). Returns the pages."""
        if self.bookmarks:
            with self.pdf.open_outline() as outline:
                for mark in self.bookmarks:
                    item = OutlineItem(mark.title, mark.page)
                    item.children.extend(OutlineItem(t, p) for t, p in mark.children)
                    outline.root.append(item)
            self.pdf.Root.PageMode = Name.UseOutlines
        pages = len(self.pdf.pages)
        try:
            self.pdf.save(self.tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                          deterministic_id=True)
            os.replace(self.tmp, self.target)
        finally:
            self.pdf.close()
            if self.tmp.exists():
                self.tmp.unlink()
        return pages

    def abort(self) -> None:
        """Drop everything; no file is written."""
        self.pdf.close()
        if self.tmp.exists():
            self.tmp.unlink()


def _composite(x) -> bool:
    return isinstance(x, (Dictionary, Array, Stream)) or (isinstance(x, pikepdf.Object) and x.is_indirect)


def _scalar(x) -> bytes:
    return x.unparse() if isinstance(x, pikepdf.Object) else repr(x).encode()


def _digest(obj, memo: dict) -> bytes:
    """A fingerprint of an object's content, following references (not their numbers)."""
    if obj.is_indirect:
        hit = memo.get(obj.objgen)
        if hit is not None:
            return hit
        memo[obj.objgen] = b"cycle"
    h = hashlib.sha1()
    if isinstance(obj, Stream):
        h.update(b"S")
        h.update(hashlib.sha1(obj.read_raw_bytes()).digest())
        _dictionary(h, obj.stream_dict, memo, skip=("/Length",))
    elif isinstance(obj, Dictionary):
        h.update(b"D")
        _dictionary(h, obj, memo)
    elif isinstance(obj, Array) and any(_composite(x) for x in obj):
        h.update(b"A")
        for x in obj:
            h.update(_digest(x, memo) if _composite(x) else _scalar(x))
    else:
        h.update(_scalar(obj))
    out = h.digest()
    if obj.is_indirect:
        memo[obj.objgen] = out
    return out


def _dictionary(h, obj: Dictionary, memo: dict, skip: tuple[str, ...] = ()) -> None:
    for key in sorted(obj.keys()):
        if key in skip or key == "/Parent":
            continue
        h.update(key.encode())
        value = obj[key]
        h.update(_digest(value, memo) if _composite(value) else _scalar(value))
