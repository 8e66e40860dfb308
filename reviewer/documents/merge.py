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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, Stream

SHARED = (Name.Font, Name.XObject, Name.ExtGState)
KIDS = 128  # pages per node of the page tree


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
        self.page_list: list[Dictionary] = []
        self.resource_sets: dict[tuple, Dictionary] = {}  # the pages, in order; the page tree is built on close
        self.font_names: set[str] = set()  # subset names in use: two different subsets never share one

    @property
    def pages(self) -> int:
        return len(self.page_list)

    def add(self, path: Path, title: str = "", documents: Iterable[tuple[str, int]] = ()) -> int:
        """Append every page of `path`; `title` bookmarks its first page, `documents` (title, first page
        within the file) bookmark each document under it. Returns the number of pages added."""
        first = len(self.page_list)
        try:
            with Pdf.open(path) as source:
                known = self._set_aside_known(source)
                every_one_kept = all(key in self.shared for key in known.values())
                for page in source.pages:
                    if every_one_kept:  # the usual case: only the page and its text are new
                        self.page_list.append(self._rebuilt(page.obj, known))
                        continue
                    obj = page.obj
                    if Name.Parent in obj:
                        del obj[Name.Parent]  # the page tree is the combined file's own
                    copy = self.pdf.copy_foreign(obj)
                    self._keep_new(copy, known)
                    self._own_streams(copy.get(Name.Contents))
                    self.page_list.append(copy)
        except pikepdf.PdfError as exc:
            del self.page_list[first:]
            raise MergeError(f"{Path(path).name}: not a readable PDF ({exc})") from None
        added = len(self.page_list) - first
        if title:
            self.bookmarks.append(_Bookmark(title, first, [(t, first + p) for t, p in documents if p < added]))
        return added

    def _rebuilt(self, page: Dictionary, found: dict[tuple[str, str], bytes]) -> Dictionary:
        """The page made anew in the combined file from plain values, its text and the resources kept there.

        Nothing is copied from the case file's object graph, so nothing of it stays in memory once it is closed
        (qpdf keeps a file it copied objects from for as long as the combined file is open)."""
        box = Array([_plain_value(x) for x in page.get(Name.MediaBox, Array([0, 0, 612, 792]))])
        new = Dictionary(Type=Name.Page, MediaBox=box, Rotate=int(page.get(Name.Rotate, 0)))
        contents = page.get(Name.Contents)
        parts = list(contents) if isinstance(contents, Array) else [contents]
        streams = [self._stream(part) for part in parts if isinstance(part, Stream)]
        new.Contents = streams[0] if len(streams) == 1 else Array(streams)
        source = page.get(Name.Resources, Dictionary())
        shape = tuple((key, tuple((name, found.get((key, name))) for name in source[key].keys())
                       if isinstance(source[key], Dictionary) else _scalar(source[key])) for key in source.keys())
        resources = self.resource_sets.get(shape)
        if resources is None:  # pages with the same resources share one dictionary
            resources = Dictionary()
            for key in source.keys():
                if key in [str(k) for k in SHARED]:
                    resources[key] = Dictionary({name: self.shared[found[(key, name)]] for name in source[key].keys()})
                elif isinstance(source[key], Array):
                    resources[key] = Array([_plain_value(x) for x in source[key]])
            resources = self.resource_sets[shape] = self.pdf.make_indirect(resources)
        new.Resources = resources
        return self.pdf.make_indirect(new)

    def _stream(self, part: Stream) -> Stream:
        stream = Stream(self.pdf, part.read_raw_bytes())
        filters = part.get(Name.Filter)
        if filters is not None:
            stream.Filter = Array([Name(str(f)) for f in filters]) if isinstance(filters, Array) else Name(str(filters))
        return stream

    # --- one copy of what the pages share ----------------------------------------------------------
    def _set_aside_known(self, source: Pdf) -> dict[tuple[str, str], bytes]:
        """Before copying: each page resource (font, form, graphics state) of `source` is fingerprinted; one the
        combined file already holds is taken out of the source page, so that it is never copied again.
        Returns {(kind, name): fingerprint} of every resource, set aside or not."""
        found: dict[tuple[str, str], bytes] = {}
        memo: dict = {}
        done: set = set()
        for page in source.pages:
            resources = page.obj.get(Name.Resources)
            if not isinstance(resources, Dictionary):
                continue
            for kind in SHARED:
                group = resources.get(kind)
                if not isinstance(group, Dictionary) or (group.is_indirect and group.objgen in done):
                    continue
                if group.is_indirect:
                    done.add(group.objgen)
                for name in list(group.keys()):
                    key = _digest(group[name], memo)
                    found[(str(kind), name)] = key
                    if key in self.shared:
                        group[name] = Dictionary()  # a placeholder; the kept copy goes in after the copy
        return found

    def _keep_new(self, page: Dictionary, found: dict[tuple[str, str], bytes]) -> None:
        """After copying: the kept copies go back in; what is new is kept (its streams read in)."""
        resources = page.get(Name.Resources)
        if not isinstance(resources, Dictionary):
            return
        for kind in SHARED:
            group = resources.get(kind)
            if not isinstance(group, Dictionary):
                continue
            for name in list(group.keys()):
                key = found.get((str(kind), name))
                if key is None:
                    continue
                kept = self.shared.get(key)
                if kept is not None:
                    if not group[name].is_same_object_as(kept):
                        group[name] = kept
                    continue
                item = group[name]
                self._own_streams(item)
                if kind == Name.Font:
                    self._unique_name(item, key)
                self.shared[key] = item

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
    def close(self, publish: bool = True) -> int:
        """Write the page tree, the bookmarks and the file (temporary name, renamed into place; with
        `publish=False` it stays under its temporary .part name for the caller to rename). Returns the pages."""
        self._page_tree()
        if self.bookmarks:
            with self.pdf.open_outline() as outline:
                for mark in self.bookmarks:
                    item = OutlineItem(mark.title, self._destination(mark.page))
                    item.children.extend(OutlineItem(t, self._destination(p)) for t, p in mark.children)
                    outline.root.append(item)
            self.pdf.Root.PageMode = Name.UseOutlines
        pages = len(self.page_list)
        try:
            self.pdf.save(self.tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                          deterministic_id=True)
            if publish:
                os.replace(self.tmp, self.target)
        except BaseException:
            if self.tmp.exists():
                self.tmp.unlink()
            raise
        finally:
            self.pdf.close()
            if publish and self.tmp.exists():
                self.tmp.unlink()
        return pages

    def _destination(self, page: int) -> Array:
        """Go to the page, whole page in view ([page /Fit]; a page number would make pikepdf search the pages)."""
        return Array([self.page_list[page], Name.Fit])

    def _page_tree(self) -> None:
        """A balanced tree: nodes of at most KIDS pages under one root (what qpdf reads back as the page list)."""
        root = self.pdf.Root.Pages
        nodes = Array()
        for start in range(0, len(self.page_list), KIDS):
            kids = self.page_list[start : start + KIDS]
            node = self.pdf.make_indirect(Dictionary(Type=Name.Pages, Parent=root, Kids=Array(kids), Count=len(kids)))
            for page in kids:
                page.Parent = node
            nodes.append(node)
        root.Kids = nodes
        root.Count = len(self.page_list)

    def abort(self) -> None:
        """Drop everything; no file is written."""
        self.pdf.close()
        if self.tmp.exists():
            self.tmp.unlink()


def _plain_value(x):
    """A number or name of a case file as a value of the combined file."""
    if isinstance(x, pikepdf.Name):
        return Name(str(x))
    return x


_REFERENCE = re.compile(rb"\d+ \d+ R\b")


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
    else:
        _direct(h, obj, memo)
    out = h.digest()
    if obj.is_indirect:
        memo[obj.objgen] = out
    return out


def _direct(h, obj, memo: dict) -> None:
    """A dictionary or array's own text where it refers to nothing; else entry by entry, following references."""
    text = obj.unparse(resolved=True) if not obj.is_indirect else None
    if text is not None and not _REFERENCE.search(text):
        h.update(text)
    elif isinstance(obj, Dictionary):
        h.update(b"D")
        _dictionary(h, obj, memo)
    elif isinstance(obj, Array):
        h.update(b"A")
        for x in obj:
            h.update(_digest(x, memo) if isinstance(x, pikepdf.Object) and not _plain(x) else _scalar(x))
    else:
        h.update(_scalar(obj))


def _plain(x) -> bool:
    return not isinstance(x, (Dictionary, Array, Stream)) and not x.is_indirect


def _dictionary(h, obj: Dictionary, memo: dict, skip: tuple[str, ...] = ()) -> None:
    for key in sorted(obj.keys()):
        if key in skip or key == "/Parent":
            continue
        h.update(key.encode())
        value = obj[key]
        if isinstance(value, pikepdf.Object) and not _plain(value):
            h.update(_digest(value, memo) if value.is_indirect or isinstance(value, Stream) else _sub(value, memo))
        else:
            h.update(_scalar(value))


def _sub(obj, memo: dict) -> bytes:
    h = hashlib.sha1()
    _direct(h, obj, memo)
    return h.digest()


VOLUME_PAGES = 4000  # about 30 MB of pikepdf objects: a batch's memory stays flat whatever its size


class CombinedVolumes:
    """The combined print file, in volumes of at most `pages_per_volume` pages (a case is never split).

    pikepdf holds a file in memory until it writes it; volumes keep that bounded. The first volume is
    `target`, the next `<stem>-2.pdf` and so on. Each is written under a .part name and all are renamed
    into place only when the batch closes, so a killed or cancelled batch leaves no volume behind."""

    def __init__(self, target: Path, pages_per_volume: int | None = None) -> None:
        self.target = Path(target)
        self.limit = pages_per_volume or VOLUME_PAGES
        self.current = PdfAppender(self.target)
        self.finished: list[PdfAppender] = []  # written under their .part names
        self._pages_before = 0

    @property
    def pages(self) -> int:
        return self._pages_before + self.current.pages

    @property
    def volumes(self) -> list[Path]:
        return [a.target for a in self.finished]

    def add(self, path: Path, title: str = "", documents: Iterable[tuple[str, int]] = ()) -> int:
        if self.current.pages >= self.limit:
            self._pages_before += self.current.close(publish=False)
            self.finished.append(self.current)
            n = len(self.finished) + 1
            self.current = PdfAppender(self.target.with_name(f"{self.target.stem}-{n}{self.target.suffix}"))
        return self.current.add(path, title, documents)

    def close(self) -> int:
        """Write the last volume and put every volume in place. Returns the pages of all."""
        pages = self._pages_before + self.current.close(publish=False)
        self.finished.append(self.current)
        for appender in self.finished:
            os.replace(appender.tmp, appender.target)
        return pages

    def abort(self) -> None:
        self.current.abort()
        for appender in self.finished:
            if appender.tmp.exists():
                appender.tmp.unlink()
