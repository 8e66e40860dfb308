"""Append Reviewer's own PDFs, one after another, into one combined PDF, streaming.

Built for the files `render` writes (reportlab output: a classic xref table, direct stream
lengths, a flat page tree), not for PDFs in general. Each input file is read whole (one court
case: a few pages), its page objects and everything they use are renumbered and written out
at once; only the object offsets stay in memory. An object byte-identical to one already
written (after renumbering) is written once: with `fonts.seed` every case file embeds the same
subset of the main fonts, so the combined file carries one copy, not one per case. Font
subsets that do differ get distinct subset tags, so no two different fonts share a name.
"""
from __future__ import annotations

import hashlib
import os
import re
from array import array
from pathlib import Path

_REF = re.compile(rb"(\d+) 0 R")
_TAG = re.compile(rb"/(BaseFont|FontName) /([A-Z]{6})\+")
_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_PAGES_REF = re.compile(rb"/Pages (\d+) 0 R")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_CONTENTS = re.compile(rb"/Contents (\d+) 0 R")
KIDS_PER_NODE = 128


class MergeError(Exception):
    """An input file is not a PDF this module can append."""


def _objects(data: bytes) -> tuple[dict[int, tuple[bytes, bytes]], int]:
    """{number: (dictionary text, stream part)} and the catalog's number."""
    start = data.rfind(b"startxref")
    if start < 0:
        raise MergeError("no startxref: the file is incomplete")
    xref = int(data[start + 9 :].split()[0])
    if data[xref : xref + 4] != b"xref":
        raise MergeError("unexpected cross-reference section")
    lines = data[xref:].split(b"\n", 2)
    first, count = (int(x) for x in lines[1].split())
    table = lines[2]
    offsets = {}
    for i in range(count):
        entry = table[i * 20 : i * 20 + 18].split()
        if len(entry) == 3 and entry[2] == b"n":
            offsets[first + i] = int(entry[0])
    trailer = data[data.rfind(b"trailer", 0, start) : start]
    root = _ROOT.search(trailer)
    if root is None:
        raise MergeError("no /Root in the trailer")
    objects = {}
    for number, offset in offsets.items():
        head_end = data.index(b"obj", offset) + 3
        end = data.index(b"endobj", head_end)
        split = data.find(b"\nstream\n", head_end, end)
        if split < 0:
            objects[number] = (data[head_end:end].strip(), b"")
        else:
            stream_start = split + 8
            length = int(re.search(rb"/Length (\d+)", data[head_end:split]).group(1))
            stream_end = data.index(b"endstream", stream_start + length)
            objects[number] = (data[head_end:split].strip(), data[split + 1 : stream_end + 9])
            end = stream_end
    return objects, int(root.group(1))


def _tag(number: int) -> bytes:
    letters = []
    for _ in range(6):
        number, rem = divmod(number, 26)
        letters.append(65 + rem)
    return bytes(reversed(letters))


class PdfAppender:
    """Writes `target` (through a temporary file, renamed on `close`) page by page."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.tmp = self.target.with_name(f".{self.target.name}.{os.getpid()}.part")
        self.out = open(self.tmp, "wb")
        self.out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self.offsets = array("q", [0, 0, 0])  # 0 unused, 1 catalog, 2 root page node (written last)
        self.pages = array("q")
        self.nodes = array("q")
        self.seen: dict[bytes, int] = {}
        self.descriptor_tags: dict[int, bytes] = {}

    def _reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _write(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _parent_for_next_page(self) -> int:
        if len(self.pages) % KIDS_PER_NODE == 0:
            self.nodes.append(self._reserve())
        return self.nodes[-1]

    def add(self, path: Path) -> int:
        """Append every page of `path`; returns the number of pages added."""
        data = Path(path).read_bytes()
        objects, root = _objects(data)
        pages_node = _PAGES_REF.search(objects[root][0])
        kids = _KIDS.search(objects[int(pages_node.group(1))][0]) if pages_node else None
        if kids is None:
            raise MergeError(f"{Path(path).name}: no page list")
        page_numbers = [int(n) for n in _REF.findall(kids.group(1))]
        contents = {int(m.group(1)) for n in page_numbers for m in [_CONTENTS.search(objects[n][0])] if m}
        done: dict[int, int] = {}

        def place(number: int) -> int:
            if number in done:
                return done[number]
            text, stream = objects[number]
            done[number] = -1  # cycle guard (a page's /Parent is handled below)
            renumbered = _REF.sub(lambda m: b"%d 0 R" % place(int(m.group(1))), text)
            if b"/FontFile2" in renumbered:
                font_file = int(re.search(rb"/FontFile2 (\d+) 0 R", renumbered).group(1))
                renumbered = _TAG.sub(lambda m: b"/%s /%s+" % (m.group(1), _tag(font_file)), renumbered)
            elif b"/FontDescriptor" in renumbered:
                descriptor = int(re.search(rb"/FontDescriptor (\d+) 0 R", renumbered).group(1))
                tag = self.descriptor_tags.get(descriptor)
                if tag:
                    renumbered = _TAG.sub(lambda m: b"/%s /%s+" % (m.group(1), tag), renumbered)
            body = renumbered + (b"\n" + stream if stream else b"")
            key = None if number in contents else hashlib.sha1(body).digest()
            if key is not None and key in self.seen:
                done[number] = self.seen[key]
                return done[number]
            new = self._reserve()
            self._write(new, body)
            if b"/FontFile2" in renumbered:
                self.descriptor_tags[new] = _tag(font_file)
            if key is not None:
                self.seen[key] = new
            done[number] = new
            return new

        for number in page_numbers:
            parent = self._parent_for_next_page()
            text = re.sub(rb"/Parent \d+ 0 R", b"", objects[number][0])
            text = _REF.sub(lambda m: b"%d 0 R" % place(int(m.group(1))), text)
            new = self._reserve()
            self._write(new, text.replace(b"<<", b"<< /Parent %d 0 R" % parent, 1))
            self.pages.append(new)
        return len(page_numbers)

    def close(self) -> int:
        """Write the page tree, catalog, xref and trailer; rename into place. Returns the pages."""
        for i, node in enumerate(self.nodes):
            kids = self.pages[i * KIDS_PER_NODE : (i + 1) * KIDS_PER_NODE]
            self._write(node, b"<< /Type /Pages /Parent 2 0 R /Count %d /Kids [ %s ] >>"
                        % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
        self._write(2, b"<< /Type /Pages /Count %d /Kids [ %s ] >>"
                    % (len(self.pages), b" ".join(b"%d 0 R" % n for n in self.nodes)))
        self._write(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        xref = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets))
        for offset in self.offsets[1:]:
            self.out.write(b"%010d 00000 n \n" % offset)
        self.out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(self.offsets), xref))
        self.out.close()
        os.replace(self.tmp, self.target)
        return len(self.pages)

    def abort(self) -> None:
        """Drop the partial file."""
        self.out.close()
        if self.tmp.exists():
            self.tmp.unlink()
