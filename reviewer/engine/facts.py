"""Facts about a person's record that rules ask for, computed once per person."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewer.domain.records import Conviction, PersonRecord
from reviewer.domain.vocabulary import SentenceStatus
from reviewer.engine import tables


@dataclass(frozen=True, slots=True)
class Hit:
    """A disqualifying offense found on the record, with the date that makes it a prior."""

    conviction: Conviction
    entry: tables.OffenseEntry
    label: str
    on: date | None

    def describe(self) -> str:
        when = self.on.isoformat() if self.on else "an unknown date"
        where = f", {self.conviction.county.title()} County" if self.conviction.county else ""
        return f"{self.label} on {when}{where}"


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
        self.convictions = record.convictions
        self.super_strikes = tuple(self._super_strikes())
        self.pc290 = tuple(self._pc290())
        self.cannabis_count = sum(1 for c in self.convictions if c.is_cannabis)
        dates = [c.disposition_date for c in self.convictions if c.disposition_date]
        self.latest_conviction = max(dates) if dates else None

    def _super_strikes(self):
        for conv in self.convictions:
            entry = tables.first_match(tables.SUPER_STRIKES, conv.code)
            if entry is not None:
                yield Hit(conv, entry, f"{conv.code} ({entry.label})", conv.disposition_date)
        gang_cases = {c.case_key for c in self.convictions if c.code and tables.GANG_ENHANCEMENT.matches(c.code)}
        for conv in self.convictions:
            if conv.case_key in gang_cases:
                entry = tables.first_match(tables.GANG_ENHANCEABLE, conv.code)
                if entry is not None:
                    label = f"{conv.code} ({entry.label}) with gang enhancement PC 186.22(b)(4)"
                    yield Hit(conv, entry, label, conv.disposition_date)

    def _pc290(self):
        for conv in self.convictions:
            entry = tables.first_match(tables.PC290_OFFENSES, conv.code)
            if entry is not None:
                yield Hit(conv, entry, f"{conv.code} ({entry.label})", conv.disposition_date)

    # --- questions rules ask -------------------------------------------------------------

    def prior_super_strikes(self, conv: Conviction) -> list[Hit]:
        return [hit for hit in self.super_strikes if hit.conviction.before(conv)]

    def prior_pc290(self, conv: Conviction) -> list[Hit]:
        return [hit for hit in self.pc290 if hit.conviction.before(conv)]

    def prior_registration(self, conv: Conviction) -> bool:
        """A PC 290 registration step dated before the conviction (undated: counts, to be safe)."""
        person = self.person
        if not person.pc290_registration:
            return False
        reg = person.pc290_registration_date
        return reg is None or conv.disposition_date is None or reg < conv.disposition_date

    def priors_same_section(self, conv: Conviction) -> list[Conviction]:
        return [
            other
            for other in self.convictions
            if other.is_cannabis and other.section == conv.section and other.before(conv)
        ]

    def age(self, on: date) -> int | None:
        return age_on(self.person.dob, on) if self.person.dob else None

    def only_cannabis(self) -> bool:
        return self.cannabis_count == len(self.convictions)

    def all_sentences_completed(self, as_of: date) -> bool:
        """gogen's reading: every sentence end (disposition + sentence) is on or before as_of."""
        for conv in self.convictions:
            end = conv.sentence_end or conv.disposition_date
            if end is not None and end > as_of:
                return False
        return True

    def no_conviction_since(self, since: date) -> bool:
        return self.latest_conviction is None or self.latest_conviction <= since


def sentence_status(conv: Conviction, as_of: date) -> SentenceStatus:
    """Still serving on as_of (HS 11361.8(a)), completed ((e)), or unknown from the data."""
    if not conv.has_sentence or conv.sentence_end is None:
        return SentenceStatus.UNKNOWN
    return SentenceStatus.SERVING if conv.sentence_end > as_of else SentenceStatus.COMPLETED
