"""A research file in the shape of gogen's test-data generator output: every one of the 95 columns filled.

Reviewer's own demo file leaves the columns nobody reads empty (240 bytes a row); gogen's generator
fills them all (806 MB for a million rows), and a reader pays for every byte
it must split, even of columns it never keeps. This widens a demo file: each column Reviewer does
not use (`USED_COLUMNS`) gets a value of the kind DOJ puts there (codes, names, numbers, dates),
drawn from a fixed seed. The columns Reviewer reads keep the demo file's values, so every
suggestion on the wide file is the one on the narrow file.

    python bench/gogen_shaped.py NARROW.csv WIDE.csv
"""
from __future__ import annotations

import csv
import random
import string
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviewer.ingest.doj_format import DOJ_COLUMNS, USED_COLUMNS

# What kind of value each filled column holds, by a part of its name (first match wins).
_KINDS = (
    ("DATE", "date"), ("DOB", "date"), ("SSN", "digits9"), ("CII", "digits10"), ("FBI", "alnum9"),
    ("NAME", "name"), ("DESCR", "words"), ("CODE", "code"), ("ORDER", "order"), ("FE_NUM", "alnum9"),
    ("SEP", "sep"), ("HEIGHT", "height"), ("WEIGHT", "weight"), ("GENDER", "gender"), ("LST", "words"),
)
_WORDS = ("COUNTY", "SUPERIOR", "COURT", "SHERIFF", "POLICE", "DEPT", "PROBATION", "JAIL", "STATE",
          "PRISON", "SENTENCE", "CONVICTED", "DISMISSED", "FURTHER", "INFORMATION", "MISDEMEANOR")
_NAMES = ("GARCIA", "SMITH", "NGUYEN", "JOHNSON", "LOPEZ", "KIM", "BROWN", "MARTINEZ", "LEE", "DAVIS")


def _kind(column: str) -> str:
    return next((kind for part, kind in _KINDS if part in column), "alnum8")


def _pool(kind: str, rng: random.Random, size: int = 4096) -> list[str]:
    """Values of one kind, made once: drawing from a pool keeps the widening fast."""
    digits, alnum = string.digits, string.ascii_uppercase + string.digits

    def one() -> str:
        if kind == "date":
            return f"{rng.randint(1950, 2019)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        if kind.startswith("digits"):
            return "".join(rng.choices(digits, k=int(kind[6:])))
        if kind.startswith("alnum"):
            return "".join(rng.choices(alnum, k=int(kind[5:])))
        if kind == "name":
            return f"{rng.choice(_NAMES)},{rng.choice(_NAMES)} {rng.choice(string.ascii_uppercase)}"
        if kind == "words":
            return " ".join(rng.choices(_WORDS, k=rng.randint(1, 3)))
        if kind == "code":
            return "".join(rng.choices(alnum, k=rng.randint(2, 6)))
        if kind == "order":
            return str(rng.randint(1, 9))
        if kind == "sep":
            return "|"
        if kind == "height":
            return str(rng.randint(500, 611))
        if kind == "weight":
            return str(rng.randint(100, 300))
        return rng.choice("MF")
    return [one() for _ in range(size)]


def widen(narrow: Path, wide: Path, seed: int = 1) -> int:
    """Write `wide`: `narrow` with every unused, empty column filled. Returns the rows written."""
    rng = random.Random(seed)
    used = set(USED_COLUMNS)
    fill = [(i, _pool(_kind(name), rng)) for i, name in enumerate(DOJ_COLUMNS) if name not in used]
    rows = 0
    with open(narrow, newline="", encoding="utf-8") as src, \
            open(wide, "w", newline="", encoding="utf-8", buffering=1 << 20) as dst:
        reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
        writer.writerow(next(reader))
        pick = rng.randrange
        for row in reader:
            for i, pool in fill:
                if not row[i]:
                    row[i] = pool[pick(4096)]
            writer.writerow(row)
            rows += 1
    wide.chmod(0o600)  # a research file, even a generated one, is read by its user only
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count = widen(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {count:,} rows, {Path(sys.argv[2]).stat().st_size / 1e6:.0f} MB to {sys.argv[2]}")
