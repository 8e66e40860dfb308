"""Facts about a person's record for the review screen's timeline and gogen's export, computed once per
person (the engine's own readings of a record are in engine/columns), and the constants both use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from reviewer.domain.records import Conviction, PersonRecord
from reviewer.domain.vocabulary import SENTENCE_QUESTION, Level, SentenceStatus
from reviewer.engine import tables

# After a prison term the person is on parole or post-release community supervision, still serving
# (as under Proposition 47, PC 1170.18): for most terms at most three years (PC 3000(b), 3456(a)).
SUPERVISION_YEARS = 3
# Without an arrest date, an age at conviction this far above a threshold puts the offense above it
# too: prosecution of these offenses must begin within three years (PC 801) and cases rarely take more.
AGE_MARGIN = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """A disqualifying offense found on the record, with the date that makes it a prior."""

    conviction: Conviction
    entry: tables.OffenseEntry
    label: str
    on: date | None

    def describe(self) -> str:
        return f"{self.label} {where_when(self.conviction)}"


_WHERE: dict[int, tuple[Conviction, str]] = {}


def where_when(conv: Conviction) -> str:
    """'on 1991-04-11, Yolo County, court case 91-123' (what, where and when, for every reason).
    Remembered per conviction object (several reasons and questions name the same conviction)."""
    hit = _WHERE.get(conv.id)
    if hit is not None and hit[0] is conv:
        return hit[1]
    if len(_WHERE) > 20_000:
        _WHERE.clear()
    text = _where_when(conv)
    _WHERE[conv.id] = (conv, text)
    return text


_WHEN_WHERE: dict[tuple[date | None, str], str] = {}


def _where_when(conv: Conviction) -> str:
    court_case = conv.court_case
    key = (conv.disposition_date, conv.county)
    head = _WHEN_WHERE.get(key)  # dates and counties repeat: their words are remembered
    if head is None:
        if len(_WHEN_WHERE) > 50_000:
            _WHEN_WHERE.clear()
        head = _WHEN_WHERE[key] = _when_where(*key)
    return f"{head}, court case {court_case}" if court_case else head


def _when_where(day: date | None, county: str) -> str:
    when = f"on {day.isoformat()}" if day else "(no disposition date on record)"
    return f"{when}, {county.title()} County" if county else when


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class PersonFacts:
    """Precomputed lists over one record: super strikes, PC 290 offenses, convictions by section."""

    def __init__(self, record: PersonRecord) -> None:
        self.record = record
        self.person = record.person
        convictions = record.convictions
        if len(convictions) > 1:  # in date order whatever the order of the rows: every listing reads the same
            try:  # the same order by a key built in C, where no date is missing or all are
                convictions = tuple(sorted(convictions, key=_BY_DATE))
            except TypeError:  # a missing date beside dates (compared as date.min)
                convictions = tuple(sorted(convictions, key=_chronological))
        self.convictions = convictions
        self.answers = record.answers
        self.cannabis_by_section: dict[str, list[Conviction]] = {}
        strikes: list[Hit] = []
        pc290: list[Hit] = []
        gang_cases = set()
        latest = None
        first_match = tables.first_match
        for conv in convictions:  # one pass: the three table lookups are memoised together per code section
            day = conv.disposition_date
            if day is not None and (latest is None or day > latest):
                latest = day
            if conv.is_cannabis:
                self.cannabis_by_section.setdefault(conv.section, []).append(conv)
                continue
            code = conv.code
            if code is None:
                continue
            found = code.memo.get(_FACTS_MEMO)
            if found is None:
                found = code.memo[_FACTS_MEMO] = _facts_entries(code)
            if found is _NOTHING:  # the common case: in none of the four tables
                continue
            entry, registered, gang = found
            if entry is not None:
                if entry.section == "182" and _names_murder(conv.offense_text):
                    entry = CONSPIRACY_TO_MURDER
                strikes.append(Hit(conv, entry, f"{code} ({entry.label})", day))
            if registered is not None and not (registered.felony_only and conv.level is not Level.FELONY):
                pc290.append(Hit(conv, registered, f"{code} ({registered.label})", day))
            if gang is not None:
                gang_cases.add(conv.case_key)
        if gang_cases:
            for conv in convictions:
                if conv.case_key in gang_cases:
                    entry = first_match(tables.GANG_ENHANCEABLE, conv.code)
                    if entry is not None:
                        label = f"{conv.code} ({entry.label}) with gang enhancement PC 186.22(b)(4)"
                        strikes.append(Hit(conv, entry, label, conv.disposition_date))
        self.super_strikes = tuple(strikes)
        self.pc290 = tuple(pc290)
        self.latest_conviction = latest

    # --- gogen's reading (disposed before the conviction), as the county policies count priors ---

    def prior_super_strikes(self, conv: Conviction) -> list[Hit]:
        """Listed offenses disposed before this conviction (as gogen counted them, for policies)."""
        return [hit for hit in self.super_strikes if _disposed_before(hit.conviction, conv)]

    def prior_pc290(self, conv: Conviction) -> list[Hit]:
        return [hit for hit in self.pc290 if _disposed_before(hit.conviction, conv)]

    def priors_same_section(self, conv: Conviction) -> list[Conviction]:
        # cannabis_by_section holds the cannabis convictions of self.convictions, in that order.
        return [other for other in self.cannabis_by_section.get(conv.section, ()) if _disposed_before(other, conv)]

    def sentence_status(self, conv: Conviction, as_of: date) -> SentenceStatus:
        """The record's status, or the attorney's answer where the record could not tell."""
        if self.answers:  # (most records have no answer: no enum value looked up)
            answered = self.answers.get((conv.id, SENTENCE_QUESTION))
            if answered in _ANSWERED_STATUS:
                return SentenceStatus(answered)
        return sentence_status(conv, as_of)


_FACTS_MEMO = "person-facts"  # CodeSection.memo key: the code's entries in the three tables PersonFacts reads
_NOTHING = (None, None, None)


def _facts_entries(code) -> tuple:
    """The first entry matching `code` in the super strikes, PC 290 offenses and gang enhancements
    (_NOTHING when none does)."""
    found = tuple(tables.first_match(table, code) for table in (
        tables.SUPER_STRIKES, tables.PC290_OFFENSES, tables.GANG_ENHANCEMENTS))
    return _NOTHING if all(entry is None for entry in found) else found


_ANSWERED_STATUS = frozenset({SentenceStatus.SERVING.value, SentenceStatus.COMPLETED.value})

CONSPIRACY_TO_MURDER = tables.OffenseEntry(
    "182", "conspiracy to commit murder", "PC 667(e)(2)(C)(iv)(VIII); PC 182(a) (punished as murder)")


def _names_murder(text: str) -> bool:
    """'182(A)(1)/187 PC' and '182 PC-CONSPIRACY TO COMMIT MURDER' name the murder conspired."""
    upper = text.upper()
    return "MURDER" in upper or "/187" in upper.replace(" ", "") or "-187" in upper.replace(" ", "")


_BY_DATE = attrgetter("disposition_date", "count_order", "id")


def _chronological(conv: Conviction):
    return (conv.disposition_date or date.min, conv.count_order, conv.id)


def _disposed_before(other: Conviction, conv: Conviction) -> bool:
    return (other.disposition_date is not None and conv.disposition_date is not None
            and other.disposition_date < conv.disposition_date)


def sentence_status(conv: Conviction, as_of: date) -> SentenceStatus:
    """Still serving on as_of (HS 11361.8(a)), completed ((e)), or unknown from the data.

    The count's sentence ends with its longest part. After prison comes parole or post-release
    community supervision, still serving (by analogy to Proposition 47): within SUPERVISION_YEARS of
    the prison term's end the record cannot tell, so UNKNOWN."""
    end = conv.sentence_end
    if not conv.has_sentence or end is None:
        return _UNKNOWN
    if end > as_of:
        return _SERVING
    if conv.sentence_kind == "prison" and add_years(end, SUPERVISION_YEARS) > as_of:
        return _UNKNOWN
    return _COMPLETED


# Read once per conviction: module names, not class attributes of the enum.
_UNKNOWN, _SERVING, _COMPLETED = SentenceStatus.UNKNOWN, SentenceStatus.SERVING, SentenceStatus.COMPLETED
