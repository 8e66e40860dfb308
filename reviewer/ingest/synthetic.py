"""Synthetic DOJ research files: fabricated people whose records have a realistic shape.

Used for the demo database and for benchmarks (a 1,000,000-row file takes seconds).
Every name, number and history here is made up by a seeded `random.Random`; the same
seed always gives the same file. The layout is the DOJ research file's: 95 columns in
the order of `DOJ_COLUMNS`, one row per step of a cycle and per count.

What the generator produces, at realistic rates:
* about 70 % of cycles in the chosen county, the rest in other California counties;
* arrest rows and court-action rows per count, multi-count court cases (same first six
  digits of CNT_ORDER), multi-row counts (same CNT_ORDER, a second sentence part);
* cannabis counts (HS 11357-11360, many spellings) for about a third of the counts, mostly
  before 2016-11-09; other VC/PC/BP/HS offenses for the rest;
* super-strike and PC 290 convictions, PC 290 REGISTRATION steps, DECEASED steps,
  "SEE COMMENT FOR CHARGE" rows, blank CONV_STAT_DESCR, long recent probation terms;
* names with accents and, rarely, in non-Latin scripts.

`DemoStats.convictions` counts convicted counts: distinct (SUBJECT_ID, CNT_ORDER) among
rows whose DISP_DESCR starts with CONVICTED, in every county. A count is cannabis when its
OFFENSE_DESCR (or, for "SEE COMMENT FOR CHARGE" and blank ones, its COMMENT_TEXT) starts
with 11357, 11358, 11359 or 11360.
"""
from __future__ import annotations

import csv
import datetime as _dt
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from reviewer.ingest.doj_format import DOJ_COLUMNS

__all__ = ["DOJ_COLUMNS", "DemoStats", "iter_demo_rows", "write_demo_file"]

_I = DOJ_COLUMNS.index
_SUBJECT_ID, _CII, _NAME, _GENDER, _DOB = (
    _I("SUBJECT_ID"), _I("CII_NUMBER"), _I("PRI_NAME"), _I("GENDER"), _I("PRI_DOB"))
_DATE, _STEP, _COUNTY, _CNT_ORDER, _OFN = (
    _I("STP_EVENT_DATE"), _I("STP_TYPE_DESCR"), _I("STP_ORI_CNTY_NAME"), _I("CNT_ORDER"), _I("OFN"))
_OFFENSE, _TOC, _DISP, _CONV_STAT = (
    _I("OFFENSE_DESCR"), _I("OFFENSE_TOC"), _I("DISP_DESCR"), _I("CONV_STAT_DESCR"))
_SENT_LOC, _SENT_LEN, _SENT_CODE, _COMMENT = (
    _I("SENT_LOC_DESCR"), _I("SENT_LENGTH"), _I("SENT_TIME_CODE"), _I("COMMENT_TEXT"))

SEE_COMMENT = "SEE COMMENT FOR CHARGE"
REGISTRATION_OFFENSE = "290 PC-REGISTRATION OF SEX OFFENDER"
CANNABIS_PREFIXES = ("11357", "11358", "11359", "11360")


@dataclass(frozen=True)
class DemoStats:
    """What a generated file holds (see the module docstring for the definitions)."""

    rows: int
    persons: int
    convictions: int
    cannabis_convictions: int


# --- data tables (all fabricated or public vocabulary) -------------------------------------

COUNTIES = (
    ("LOS ANGELES", 30), ("SAN DIEGO", 10), ("ORANGE", 9), ("RIVERSIDE", 7), ("SAN BERNARDINO", 7),
    ("SANTA CLARA", 6), ("ALAMEDA", 6), ("SACRAMENTO", 5), ("CONTRA COSTA", 4), ("FRESNO", 4),
    ("KERN", 4), ("SAN FRANCISCO", 3), ("SAN JOAQUIN", 3), ("YOLO", 1), ("HUMBOLDT", 1),
    ("MENDOCINO", 1),
)

# (description, P(felony), P(misdemeanor)); the rest is an infraction.
_CANNABIS_PRE = (
    ("11357 HS-POSSESS MARIJUANA", 0.1, 0.8), ("11357(A) HS", 0.5, 0.5),
    ("11357(A) HS-POSSESS CONCENTRATED CANNABIS", 0.6, 0.4),
    ("11357(B) HS-POSSESS 28.5 GRAMS OR LESS MARIJUANA", 0.0, 0.6),
    ("11357(C) HS-POSSESS MARIJUANA OVER 28.5 GRAMS", 0.0, 1.0), ("11357(C)HS-POSSESS MARIJUANA", 0.0, 1.0),
    ("11357(D) HS-POSSESS MARIJUANA ON SCHOOL GROUNDS", 0.0, 1.0),
    ("11357 HS-NO SPECIFIED SUBSECTION", 0.2, 0.7),
    ("11358 HS-CULTIVATE MARIJUANA", 0.9, 0.1),
    ("11358 HS-PLANT/CULTIVATE/ETC MARIJUANA/HASHISH", 0.95, 0.05),
    ("11358HS-CULTIVATE CANNABIS", 0.9, 0.1),
    ("11359 HS-POSSESS MARIJUANA FOR SALE", 0.95, 0.05), ("11359HS-INTENT SELL", 0.95, 0.05),
    ("11359 HS-MARIJUANA POSSESSION FOR SALE", 0.9, 0.1),
    ("11359(C) HS-POSSESS MARIJUANA FOR SALE", 1.0, 0.0),
    ("11360(A) HS-TRANSPORT/SELL MARIJUANA", 0.9, 0.1),
    ("11360 HS-SELL/FURNISH/ETC MARIJUANA/HASHISH", 0.9, 0.1),
    ("11360(B) HS-GIVE/TRANSPORT 28.5 GRAMS OR LESS MARIJUANA", 0.0, 0.8),
    ("11360 HS-TRANSPORTATION OF MARIJUANA", 0.8, 0.2),
)
_CANNABIS_POST = (  # after 2016-11-09: mostly misdemeanors and infractions
    ("11357(B)(2) HS-POSSESS OVER 28.5 GRAMS MARIJUANA", 0.0, 1.0),
    ("11357(A)(1) HS-MINOR POSSESS MARIJUANA", 0.0, 0.0),
    ("11358(C) HS-CULTIVATE OVER 6 MARIJUANA PLANTS", 0.0, 1.0),
    ("11359(B) HS-POSSESS MARIJUANA FOR SALE", 0.0, 1.0),
    ("11360(A)(2) HS-SELL/TRANSPORT MARIJUANA", 0.0, 1.0), ("11360(A)(3)(D) HS-IMPORT MARIJUANA", 1.0, 0.0),
)
_OTHER = (
    ("23152(A) VC-DUI ALCOHOL/DRUGS", 0.05, 0.95), ("23152(B) VC-DUI 0.08 PERCENT", 0.05, 0.95),
    ("14601.1(A) VC-DRIVE WHILE LICENSE SUSPENDED", 0.0, 1.0), ("12500(A) VC-DRIVE W/O LICENSE", 0.0, 0.8),
    ("10851(A) VC-TAKE VEHICLE W/O OWNER CONSENT", 0.8, 0.2), ("23103 VC-RECKLESS DRIVING", 0.0, 1.0),
    ("22350 VC-UNSAFE SPEED", 0.0, 0.0), ("40508(A) VC-FAIL TO APPEAR ON WRITTEN PROMISE", 0.0, 1.0),
    ("459 PC-BURGLARY", 0.8, 0.2), ("484(A) PC-THEFT", 0.0, 1.0), ("488 PC-PETTY THEFT", 0.0, 1.0),
    ("666 PC-PETTY THEFT W/PRIOR", 0.7, 0.3), ("245(A)(1) PC-ASSAULT W/DEADLY WEAPON", 0.85, 0.15),
    ("242 PC-BATTERY", 0.0, 1.0), ("273.5(A) PC-INFLICT CORPORAL INJ SPOUSE/COHAB", 0.6, 0.4),
    ("148(A)(1) PC-OBSTRUCT/RESIST PUBLIC OFFICER", 0.0, 1.0), ("211 PC-ROBBERY", 1.0, 0.0),
    ("647(F) PC-DISORDERLY CONDUCT:INTOX DRUG/ALCOHOL", 0.0, 1.0), ("602 PC-TRESPASSING", 0.0, 1.0),
    ("415 PC-FIGHT/NOISE/OFFENSIVE WORDS", 0.0, 0.9), ("32 PC-ACCESSORY", 0.7, 0.3),
    ("594(A) PC-VANDALISM", 0.2, 0.8), ("29800(A)(1) PC-FELON/ADDICT POSSESS FIREARM", 1.0, 0.0),
    ("11350(A) HS-POSSESS NARCOTIC CONTROLLED SUBSTANCE", 0.8, 0.2),
    ("11377(A) HS-POSSESS CONTROLLED SUBSTANCE", 0.5, 0.5),
    ("11364 HS-POSSESS UNLAWFUL PARAPHERNALIA", 0.0, 1.0),
    ("11366 HS-OPEN/MAINTAIN PLACE:SELL/USE CNTL SUB", 0.8, 0.2),
    ("11550(A) HS-UNDER INFLUENCE CONTROLLED SUBSTANCE", 0.0, 1.0),
    ("11351 HS-POSSESS/PURCHASE FOR SALE NARCOTIC", 1.0, 0.0),
    ("4060 BP-POSSESS CONTROLLED SUBSTANCE W/O PRESCRIPTION", 0.3, 0.7),
    ("4140 BP-POSSESS HYPODERMIC NEEDLE/SYRINGE", 0.0, 1.0),
    ("25620 BP-POSSESS OPEN CONTAINER IN PUBLIC", 0.0, 0.3),
    ("25662(A) BP-MINOR POSSESS ALCOHOL", 0.0, 1.0),
)
# (description, P(felony), P(misdemeanor), registrable under PC 290)
_SUPER_STRIKES = (
    ("187 PC-MURDER", 1.0, 0.0, False), ("664/187(A) PC-ATTEMPTED MURDER", 1.0, 0.0, False),
    ("192(A) PC-VOLUNTARY MANSLAUGHTER", 1.0, 0.0, False),
    ("261(A)(2) PC-RAPE BY FORCE/FEAR/ETC", 1.0, 0.0, True),
    ("288(A) PC-LEWD OR LASCIV ACTS W/CHILD UNDER 14", 1.0, 0.0, True),
    ("220 PC-ASSAULT W/INTENT TO COMMIT RAPE/ETC", 1.0, 0.0, True),
)
_PC290 = (
    ("314(1) PC-INDECENT EXPOSURE", 0.1, 0.9, True), ("647.6 PC-ANNOY/MOLEST CHILDREN", 0.1, 0.9, True),
    ("288(A) PC-LEWD OR LASCIV ACTS W/CHILD UNDER 14", 1.0, 0.0, True),
    ("243.4(A) PC-SEXUAL BATTERY", 0.3, 0.7, True),
)

_LAST = (
    "GARCIA", "HERNANDEZ", "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "LOPEZ", "MARTINEZ",
    "GONZALEZ", "RODRIGUEZ", "NGUYEN", "LEE", "KIM", "DAVIS", "MILLER", "WILSON", "ANDERSON",
    "TAYLOR", "THOMAS", "MOORE", "JACKSON", "WHITE", "HARRIS", "MARTIN", "THOMPSON", "YOUNG",
    "ALLEN", "KING", "WRIGHT", "SCOTT", "TORRES", "RAMIREZ", "FLORES", "RIVERA", "GOMEZ", "DIAZ",
    "REYES", "CRUZ", "MORALES", "ORTIZ", "GUTIERREZ", "CHAVEZ", "RAMOS", "CASTILLO", "VASQUEZ",
    "TRAN", "PHAM", "WONG", "CHEN", "PATEL", "SINGH", "MORENO", "ROMERO", "ALVAREZ", "MENDOZA",
    "O'BRIEN", "MC DONALD", "VAN DYKE", "SMITH-JONES", "WASHINGTON", "ROBINSON", "WALKER", "HALL",
)
_LAST_ACCENTED = ("MUÑOZ", "PEÑA", "NÚÑEZ", "IBÁÑEZ", "CASTAÑEDA", "ORDÓÑEZ", "BRISEÑO", "JIMÉNEZ", "GÓMEZ")
_FIRST_M = (
    "JAMES", "JOHN", "ROBERT", "MICHAEL", "DAVID", "JOSE", "CARLOS", "LUIS", "JUAN", "DANIEL",
    "ANTHONY", "KEVIN", "BRIAN", "JASON", "MARK", "PAUL", "STEVEN", "ERIC", "MIGUEL", "JESSE",
    "TUAN", "MINH", "DARNELL", "TYRONE", "RAYMOND", "FRANK", "GEORGE", "VICTOR", "ANGEL", "OSCAR",
)
_FIRST_F = (
    "MARY", "MARIA", "JENNIFER", "LINDA", "PATRICIA", "ELIZABETH", "SUSAN", "JESSICA", "SARAH",
    "KAREN", "NANCY", "LISA", "ANA", "ROSA", "GUADALUPE", "MICHELLE", "LAURA", "ANGELA",
    "KIMBERLY", "TIFFANY", "LAN", "MAI", "DENISE", "TERESA", "VERONICA", "SANDRA",
)
_FIRST_M_ACCENTED = ("JOSÉ", "ANDRÉS", "JESÚS", "RAMÓN", "JOAQUÍN", "NOÉ", "ÁNGEL", "FRANÇOIS", "RENÉ")
_FIRST_F_ACCENTED = ("MARÍA", "INÉS", "SOFÍA", "ZOË", "BEATRIZ", "ANAÏS", "MÓNICA", "LUCÍA")
_NON_LATIN = (  # full "LAST,FIRST" names and gender
    ("阮,明", "M"), ("王,芳", "F"), ("李,伟", "M"), ("ИВАНОВ,ИВАН", "M"), ("ПЕТРОВА,АННА", "F"),
    ("김,민준", "M"), ("ՊԵՏՐՈՍՅԱՆ,ԱՐԱՄ", "M"), ("حداد,علي", "M"), ("グエン,ハナ", "F"),
)
_INITIALS = tuple(" " + c for c in "ABCDEFGHIJKLMNOPRSTVW") + ("",) * 21

_OFN_PREFIXES = ("SC", "CR", "BA", "MA", "F", "M", "CF", "CM", "SCD", "VCF")
_DISMISSALS = (
    "DISMISSED/CHARGE DROPPED", "DISMISSED/CHARGE DROPPED", "DISMISSED/FURTHERANCE OF JUSTICE",
    "ACQUITTED", "DIVERSION DISMISSED",
)
_NO_COURT = ("RELEASED/DETENTION ONLY", "PROSECUTION REJECTED", "REL/TOT OTHER JURIS/AUTH")
_LEVEL_NAMES = {"F": "FELONY", "M": "MISDEMEANOR", "I": "INFRACTION"}
_ARREST, _COURT = "ARREST/DETAINED/CITED", "COURT ACTION"
_C3 = tuple(f"{i:03d}" for i in range(1000))
_NUM = tuple(str(i) for i in range(400))

# Dates are day numbers from 1940-01-01, turned into YYYYMMDD through one lookup table.
_EPOCH = _dt.date(1940, 1, 1).toordinal()


def _day(y: int, m: int, d: int) -> int:
    return _dt.date(y, m, d).toordinal() - _EPOCH


_DOB_LO, _DOB_HI = _day(1940, 1, 1), _day(2000, 12, 31)
_EVENTS_LO, _ARREST_HI, _EVENTS_HI = _day(1975, 1, 1), _day(2019, 6, 30), _day(2019, 12, 31)
_AUMA, _RECENT = _day(2016, 11, 9), _day(2014, 1, 1)


@lru_cache(maxsize=1)
def _ymd_table() -> tuple[str, ...]:
    return tuple((_dt.date.fromordinal(_EPOCH + n)).strftime("%Y%m%d") for n in range(_EVENTS_HI + 1))


# --- generation --------------------------------------------------------------------------

def iter_demo_rows(rows: int, county: str, seed: int = 0) -> Iterator[list[str]]:
    """Yield exactly `rows` fabricated rows, each a fresh list of 95 strings."""
    return _Generator(county, seed).rows(_check_rows(rows))


def write_demo_file(path: str | os.PathLike[str], rows: int, county: str, seed: int = 0,
                    header: bool = True) -> DemoStats:
    """Write a synthetic research file (UTF-8, "\\n" line ends) and say what it holds."""
    generator = _Generator(county, seed)
    _check_rows(rows)
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if header:
            writer.writerow(DOJ_COLUMNS)
        writer.writerows(generator.rows(rows))
    return DemoStats(rows, generator.persons, generator.convictions, generator.cannabis_convictions)


def _check_rows(rows: int) -> int:
    if rows < 0:
        raise ValueError(f"rows must be zero or more, not {rows}")
    return rows


def _is_cannabis_row(row: list[str]) -> bool:
    """True when the row's offense (or its comment, for SEE COMMENT rows) is HS 11357-11360."""
    offense = row[_OFFENSE]
    if not offense or offense == SEE_COMMENT:
        offense = row[_COMMENT]
    return offense[:5] in CANNABIS_PREFIXES


def _count_convictions(rows: list[list[str]]) -> tuple[int, int]:
    """(convictions, cannabis convictions) among consecutive rows, one per convicted count."""
    convictions = cannabis = 0
    previous: tuple[str, str] | None = None
    for row in rows:
        key = (row[_SUBJECT_ID], row[_CNT_ORDER])
        if row[_DISP].startswith("CONVICTED") and key != previous:
            convictions += 1
            cannabis += _is_cannabis_row(row)
        previous = key
    return convictions, cannabis


class _Generator:
    """One seeded stream of people; counts what it has handed out so far."""

    def __init__(self, county: str, seed: int) -> None:
        self.county = county.strip().upper()
        if not self.county:
            raise ValueError("county must not be blank")
        self.rng = random.Random(seed)
        others = [(name, weight) for name, weight in COUNTIES if name != self.county]
        self.others = tuple(name for name, _ in others)
        self.other_weights = tuple(accumulate(weight for _, weight in others))
        self.ymd = _ymd_table()
        # Identifiers walk a permutation (step coprime with the range), so they never repeat.
        self.sid_base, self.sid_step = self.rng.randrange(90_000_000), self._coprime_step()
        self.cii_base, self.cii_step = self.rng.randrange(9_000_000_000), self._coprime_step()
        self.persons = self.convictions = self.cannabis_convictions = 0

    def _coprime_step(self) -> int:  # 9e7 and 9e9 have prime factors 2, 3 and 5 only
        step = self.rng.randrange(1_000_003, 80_000_000)
        while step % 2 == 0 or step % 3 == 0 or step % 5 == 0:
            step += 1
        return step

    def rows(self, total: int) -> Iterator[list[str]]:
        remaining = total
        while remaining > 0:
            person_rows = self._person()[:remaining]  # the last person is cut to the exact count
            convictions, cannabis = _count_convictions(person_rows)
            remaining -= len(person_rows)
            self.persons += 1
            self.convictions += convictions
            self.cannabis_convictions += cannabis
            yield from person_rows

    def _identity(self) -> list[str]:
        rng, n = self.rng, self.persons
        u = rng.random()
        if u < 0.005:
            name, gender = rng.choice(_NON_LATIN)
        else:
            gender = "M" if rng.random() < 0.72 else "F"
            last = rng.choice(_LAST_ACCENTED if u < 0.06 else _LAST)
            if rng.random() < 0.05:
                first = rng.choice(_FIRST_M_ACCENTED if gender == "M" else _FIRST_F_ACCENTED)
            else:
                first = rng.choice(_FIRST_M if gender == "M" else _FIRST_F)
            name = f"{last},{first}{rng.choice(_INITIALS)}"
        base = [""] * len(DOJ_COLUMNS)
        base[_SUBJECT_ID] = str(10_000_000 + (self.sid_base + n * self.sid_step) % 90_000_000)
        base[_CII] = str(1_000_000_000 + (self.cii_base + n * self.cii_step) % 9_000_000_000)
        base[_NAME], base[_GENDER] = name, gender
        return base

    def _offense(self, day: int, like_cannabis: bool) -> tuple[str, str, bool, bool]:
        """(description, level F/M/I, cannabis?, PC 290 registrable?) for one count."""
        u = self.rng.random()
        if like_cannabis or u < (0.37 if day < _AUMA else 0.08):
            descr, p_f, p_m = self.rng.choice(_CANNABIS_PRE if day < _AUMA else _CANNABIS_POST)
            cannabis, reg290 = True, False
        elif u > 0.99:
            descr, p_f, p_m, reg290 = self.rng.choice(_SUPER_STRIKES if u > 0.995 else _PC290)
            cannabis = False
        else:
            descr, p_f, p_m = self.rng.choice(_OTHER)
            cannabis = reg290 = False
        v = self.rng.random()
        return descr, ("F" if v < p_f else "M" if v < p_f + p_m else "I"), cannabis, reg290

    def _person(self) -> list[list[str]]:
        rng, rand, randint = self.rng, self.rng.random, self.rng.randint
        base = self._identity()
        dob = rng.randrange(_DOB_LO, _DOB_HI + 1)
        base[_DOB] = self.ymd[dob]
        first = max(_EVENTS_LO, dob + 16 * 365 + 4)
        cycles = rng.choices((1, 2, 3, 4, 5, 6), cum_weights=(35, 60, 77, 88, 95, 100))[0]
        out: list[list[str]] = []
        cycle, day = 100, first
        for arrest in sorted(rng.randrange(first, _ARREST_HI) for _ in range(cycles)):
            cycle += 1
            day, registrable = self._cycle(base, cycle, arrest, out)
            if registrable and rand() < 0.9:
                cycle += 1
                day = min(day + randint(1, 60), _EVENTS_HI)
                out.append(self._single_step(base, cycle, day, "REGISTRATION", REGISTRATION_OFFENSE))
        if rand() < 0.003:  # registered elsewhere, conviction not in this file
            cycle += 1
            day = min(day + randint(1, 400), _EVENTS_HI)
            out.append(self._single_step(base, cycle, day, "REGISTRATION", REGISTRATION_OFFENSE))
        if rand() < 0.015:
            day = min(day + randint(30, 3650), _EVENTS_HI)
            out.append(self._single_step(base, cycle + 1, day, "DECEASED", ""))
        return out

    def _cycle(self, base: list[str], cycle: int, arrest: int, out: list[list[str]]) -> tuple[int, bool]:
        """Append one arrest and its court case; return the last date and whether it needs PC 290."""
        rng, ymd, rand, randint = self.rng, self.ymd, self.rng.random, self.rng.randint
        county = self._county()
        counts = rng.choices((1, 2, 3, 4), cum_weights=(70, 90, 97, 100))[0]
        offenses = [self._offense(arrest, False)]
        for _ in range(counts - 1):  # cannabis cases often carry several cannabis counts
            offenses.append(self._offense(arrest, offenses[0][2] and rand() < 0.4))
        prefix, court = _C3[cycle], rand() < 0.9
        for k, (descr, level, _, _) in enumerate(offenses, 1):
            row = base.copy()
            row[_DATE], row[_STEP], row[_COUNTY] = ymd[arrest], _ARREST, county
            row[_CNT_ORDER], row[_OFFENSE], row[_TOC] = prefix + "001" + _C3[k] + "000", descr, level
            if not court:
                row[_DISP] = rng.choice(_NO_COURT)
            out.append(row)
        if not court:
            return arrest, False
        day = arrest + randint(1, 180)
        ofn = f"{rng.choice(_OFN_PREFIXES)}{randint(100000, 999999)}{rng.choice(('', '', 'A', 'B'))}"
        registrable = False
        for k, (descr, level, _, reg290) in enumerate(offenses, 1):
            row = base.copy()
            row[_DATE], row[_STEP], row[_COUNTY], row[_OFN] = ymd[day], _COURT, county, ofn
            row[_CNT_ORDER], row[_OFFENSE], row[_TOC] = prefix + "002" + _C3[k] + "000", descr, level
            if rand() < 0.02:  # the charge is only in the comment
                row[_OFFENSE], row[_COMMENT] = (SEE_COMMENT if rand() < 0.85 else ""), descr
            out.append(row)
            if rand() >= 0.75:
                row[_DISP] = rng.choice(_DISMISSALS)
                continue
            registrable = registrable or reg290
            second = self._convict(row, level, day)
            if second is not None:
                out.append(second)
        return day, registrable

    def _county(self) -> str:
        if self.rng.random() < 0.7:
            return self.county
        return self.rng.choices(self.others, cum_weights=self.other_weights)[0]

    def _convict(self, row: list[str], level: str, day: int) -> list[str] | None:
        """Fill the conviction fields of `row`; return a second sentence row, or None."""
        rand, randint = self.rng.random, self.rng.randint
        if level == "F" and rand() < 0.1:  # wobbler reduced at sentencing
            level = "M"
        row[_CONV_STAT] = _LEVEL_NAMES[level]
        if rand() < 0.02:  # blank level: OFFENSE_TOC decides
            row[_CONV_STAT], row[_TOC] = "", level
        u = rand()
        if level == "I" or (level == "M" and u > 0.9):
            row[_DISP], row[_SENT_LOC] = "CONVICTED-FINE", "FINE"
            return None
        if day >= _RECENT and u < 0.35:  # long probation: some still running in 2019-2024
            sentence = ("PROBATION", _NUM[randint(3, 5)], "Y")
        elif level == "F" and u < 0.2:
            sentence = ("PRISON", _NUM[randint(1, 8)], "Y")
        elif u < 0.5:
            sentence = ("JAIL", _NUM[randint(1, 365)], "D")
        else:
            sentence = ("PROBATION", _NUM[randint(6, 60)], "M") if rand() < 0.5 else (
                "PROBATION", _NUM[randint(1, 5)], "Y")
        row[_DISP] = "CONVICTED-" + sentence[0]
        row[_SENT_LOC], row[_SENT_LEN], row[_SENT_CODE] = sentence
        if sentence[0] != "PROBATION" or rand() >= 0.08:
            return None
        second = row.copy()  # same count, second part of the sentence
        second[_SENT_LOC], second[_SENT_LEN], second[_SENT_CODE] = "JAIL", _NUM[randint(10, 180)], "D"
        return second

    def _single_step(self, base: list[str], cycle: int, day: int, step: str, offense: str) -> list[str]:
        row = base.copy()
        row[_DATE], row[_STEP], row[_COUNTY] = self.ymd[day], step, self._county()
        row[_CNT_ORDER], row[_OFFENSE] = _C3[cycle] + "001001000", offense
        return row

