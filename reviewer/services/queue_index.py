"""The queue's keys in memory: filter, sort, search and count 100,000 flagged felonies in milliseconds.

Built from one read-only query (store.queue.queue_keys). It holds only what the queue
filters and sorts on, as numpy arrays and short string lists; the rows a screen shows are
fetched page by page from the database (QueueService.rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reviewer.domain.vocabulary import Suggestion
from reviewer.store.queue import KEY_TYPES, STATUS_CODES, SUGGESTION_CODES, QueueKeys

STATUS_CODE = {s: i for i, s in enumerate(STATUS_CODES)}  # pending is 0
SUGGESTION_CODE = {s: i for i, s in enumerate(SUGGESTION_CODES)}

# Status filter values: the three review states, plus "done" (accepted or overridden), plus "changed"
# (decided, and a re-evaluation has changed the suggestion since: the decision stands, flagged).
STATUS_DONE = "done"
STATUS_CHANGED = "changed"

# Sort keys the queue understands (None: the queue order, attention first).
SORT_KEYS = ("person", "dob", "court_case", "code_section", "disposition_date", "suggestion", "status", "reviewer",
             "changed")
CHANGING_KEYS = frozenset({"status", "reviewer", "changed"})  # decisions change them: their order is never kept

# Readable names for the statute's deciding rules (policy rules are named by the policy itself).
RULE_LABELS = {
    "data-problem": "Data problem in the record",
    "after-auma": "Convicted after AUMA (2016-11-09)",
    "11357-no-subsection": "HS 11357 without subsection",
    "11357-felony": "Felony HS 11357: at most a misdemeanor now",
    "11357-misdemeanor": "HS 11357 misdemeanor: quantity unknown",
    "legal-conduct": "Conduct now legal (21 or older)",
    "legal-conduct-under-21": "Conduct legal at 21+, under 21 then",
    "already-lesser": "Already a misdemeanor or infraction",
    "still-a-felony": "Still a felony: an exception applies",
    "now-misdemeanor": "Now a misdemeanor",
    "disqualifying-subsection": "Disqualifying subsection",
    "prior-super-strike": "Prior super strike",
    "prior-pc290": "Prior PC 290 offense or registration",
    "two-priors-same-section": "Two or more priors of the same section",
}


@dataclass(frozen=True)
class QueueFilter:
    """What the attorney asked to see. None or "" means "any"."""

    status: str | None = None
    suggestion: str | None = None
    section: str | None = None
    reason: str | None = None
    reviewer: str | None = None
    search: str = ""


@dataclass(frozen=True)
class Counts:
    pending: int
    done: int
    changed: int = 0  # decided, suggestion changed since (counted among done)

    @property
    def total(self) -> int:
        return self.pending + self.done


@dataclass(frozen=True)
class Choices:
    """Values present in the queue, for the filter lists: (value, label)."""

    suggestions: tuple[tuple[str, str], ...]
    sections: tuple[tuple[str, str], ...]
    reasons: tuple[tuple[str, str], ...]
    reviewers: tuple[tuple[str, str], ...]


class QueueView:
    """The rows one filter and sort show, as positions into the index; statuses stay live."""

    def __init__(self, index: "QueueIndex", positions: np.ndarray) -> None:
        self.index = index
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def conviction_id(self, row: int) -> int:
        return int(self.index.ids[self.positions[row]])

    def conviction_ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        return self.index.ids[self.positions[start:stop]].tolist()

    def row_of(self, conviction_id: int) -> int | None:
        pos = self.index.position(conviction_id)
        if pos is None:
            return None
        hits = np.flatnonzero(self.positions == pos)
        return int(hits[0]) if len(hits) else None

    def counts(self) -> Counts:
        pending = int(np.count_nonzero(self.index.status[self.positions] == 0))
        changed = int(np.count_nonzero(self.index.changed[self.positions]))
        return Counts(pending, len(self.positions) - pending, changed)

    def pending_ids(self) -> list[int]:
        return self.index.ids[self.positions[self.index.status[self.positions] == 0]].tolist()

    def acceptable_pending(self) -> tuple[list[int], int]:
        """Pending rows that Accept can decide, and how many pending rows need an outcome chosen by hand."""
        index = self.index
        pending = self.positions[index.status[self.positions] == 0]
        by_hand = index.suggestion[pending] == SUGGESTION_CODE[Suggestion.NEEDS_REVIEW.value]
        return index.ids[pending[~by_hand]].tolist(), int(np.count_nonzero(by_hand))

    def next_pending(self, after_row: int) -> int | None:
        """The first pending row after `after_row`, wrapping to the top; None when none is left."""
        pending = self.index.status[self.positions] == 0
        later = np.flatnonzero(pending[after_row + 1:])
        if len(later):
            return int(after_row + 1 + later[0])
        earlier = np.flatnonzero(pending[: max(after_row + 1, 0)])
        return int(earlier[0]) if len(earlier) else None


class QueueIndex:
    """Every flagged felony's filter and sort keys."""

    def __init__(self, keys: QueueKeys, rule_labels: dict[str, str] | None = None) -> None:
        self.ids = keys.conviction_id.to_numpy()
        self.person_ids = keys.person_id.to_numpy()
        self.priority = keys.priority.to_numpy()
        self.suggestion = keys.suggestion.to_numpy()
        self.status = np.array(keys.status.to_numpy(), dtype=np.int8)  # a copy: decisions change it
        self.changed = np.array(keys.suggestion_changed.to_numpy(), dtype=bool)  # a copy: decisions clear it
        self.sections, self.section = _codes(keys.section)
        self.rules, self.rule = _codes(keys.first_rule)
        self.reviewers, self.reviewer = _codes(keys.decided_by)
        self._reviewer_code = {name: i for i, name in enumerate(self.reviewers)}
        self._rule_labels = rule_labels or {}
        self._keys = keys
        self._text = {"person": keys.name, "dob": keys.dob, "court_case": keys.court_case,
                      "code_section": keys.code_section, "disposition_date": keys.disposition_date}
        self._by_id = np.argsort(self.ids, kind="stable")
        self._sorted_ids = self.ids[self._by_id]
        self._haystack: pa.Array | None = None  # built on the first search
        self._ranks: dict[str, np.ndarray] = {}
        self._sequences: dict[tuple[str, bool], np.ndarray] = {}
        self._queue_sequence, self._queue_order = self._default_order()

    @classmethod
    def empty(cls) -> "QueueIndex":
        return cls(QueueKeys(*(pa.array([], type=kind) for kind in KEY_TYPES)))

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, conviction_id: int) -> int | None:
        i = int(np.searchsorted(self._sorted_ids, conviction_id))
        if i < len(self._sorted_ids) and self._sorted_ids[i] == conviction_id:
            return int(self._by_id[i])
        return None

    def suggestion_of(self, conviction_ids) -> list[str]:
        """The current suggestions of these (queued) convictions, in their order."""
        ids = np.asarray(conviction_ids, dtype=self._sorted_ids.dtype)
        positions = self._by_id[np.searchsorted(self._sorted_ids, ids)]
        return [SUGGESTION_CODES[c] for c in self.suggestion[positions].tolist()]

    # --- views -------------------------------------------------------------------------------

    def view(self, flt: QueueFilter = QueueFilter(), sort: str | None = None, descending: bool = False) -> QueueView:
        mask = self._mask(flt)
        if flt.search.strip():
            found = self._search(flt.search)
            mask = found if mask is None else (mask & found)
        sequence = self._sequence(sort, descending)
        return QueueView(self, sequence if mask is None else sequence[mask[sequence]])

    def _sequence(self, sort: str | None, descending: bool) -> np.ndarray:
        """Every position in display order for this sort (ties in queue order); kept for fixed keys."""
        if sort is None:
            return self._queue_sequence
        cached = self._sequences.get((sort, descending))
        if cached is not None:
            return cached
        rank = self._rank(sort).astype(np.int64)
        sequence = np.lexsort((self._queue_order, -rank if descending else rank))
        if sort not in CHANGING_KEYS:
            self._sequences[(sort, descending)] = sequence
        return sequence

    def warm_up(self) -> Iterator[None]:
        """Steps that prepare search and every sort ahead of use; run them when the screen is idle."""
        self._searchable()
        yield
        for key in SORT_KEYS:
            if key not in CHANGING_KEYS:
                for descending in (False, True):
                    self._sequence(key, descending)
                    yield

    def _mask(self, flt: QueueFilter) -> np.ndarray | None:
        mask = None

        def both(cond):
            nonlocal mask
            mask = cond if mask is None else (mask & cond)

        if flt.status:
            if flt.status == STATUS_DONE:
                both(self.status > 0)
            elif flt.status == STATUS_CHANGED:
                both(self.changed)
            else:
                both(self.status == STATUS_CODE.get(flt.status, -1))
        if flt.suggestion:
            both(self.suggestion == SUGGESTION_CODE.get(flt.suggestion, -1))
        if flt.section:
            both(self.section == _code_of(self.sections, flt.section))
        if flt.reason:
            both(self.rule == _code_of(self.rules, flt.reason))
        if flt.reviewer:
            both(self.reviewer == self._reviewer_code.get(flt.reviewer, -1))
        return mask

    def _search(self, text: str) -> np.ndarray:
        """Rows where every word appears in the name, CII or court case number (case-insensitive)."""
        haystack = self._searchable()
        keep = np.ones(len(self.ids), dtype=bool)
        for word in text.lower().replace(",", " ").split():
            keep &= pc.match_substring(haystack, word).to_numpy(zero_copy_only=False)
        return keep

    def _searchable(self) -> pa.Array:
        """Every row's name, CII and case number in one lower-case text."""
        if self._haystack is None:
            k = self._keys
            joined = pc.binary_join_element_wise(k.name, k.cii, k.court_case, " ")
            self._haystack = pc.replace_substring(pc.utf8_lower(joined), ",", " ")
        return self._haystack

    def _rank(self, key: str) -> np.ndarray:
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        if key == "suggestion":
            return self.suggestion
        if key == "status":
            return self.status
        if key == "changed":
            return self.changed.view(np.int8)
        if key not in self._ranks:
            values = self.reviewers_of_rows() if key == "reviewer" else self._text[key]
            self._ranks[key] = _dense_rank(values)
        return self._ranks[key]

    def reviewers_of_rows(self) -> list[str]:
        names = self.reviewers
        return [names[c] for c in self.reviewer.tolist()]

    def _default_order(self) -> tuple[np.ndarray, np.ndarray]:
        """Attention first (priority 0), then each person's convictions together, oldest first.

        Returns the positions in that order, and each position's place in it.
        """
        keys = (self.ids, self._rank("disposition_date"), self.person_ids, self._rank("person"), self.priority)
        sequence = np.lexsort(keys)
        place = np.empty(len(sequence), np.int64)
        place[sequence] = np.arange(len(sequence))
        return sequence, place

    # --- counts, choices, updates ----------------------------------------------------------

    def counts(self) -> Counts:
        pending = int(np.count_nonzero(self.status == 0))
        return Counts(pending, len(self.status) - pending, int(np.count_nonzero(self.changed)))

    def choices(self) -> Choices:
        present = _used(self.suggestion, len(SUGGESTION_CODE))
        suggestions = tuple((s.value, s.label) for s in Suggestion if SUGGESTION_CODE[s.value] in present)
        sections = tuple((s, f"HS {s}") for s in sorted(set(self.sections)) if s)
        used_rules = _used(self.rule, len(self.rules))
        reasons = tuple(sorted(((r, self.rule_label(r)) for i, r in enumerate(self.rules) if r and i in used_rules),
                               key=lambda pair: pair[1].lower()))
        used = _used(self.reviewer, len(self.reviewers))
        reviewers = tuple((r, r) for i, r in enumerate(self.reviewers) if r and i in used)
        return Choices(suggestions, sections, reasons, tuple(sorted(reviewers, key=lambda p: p[0].lower())))

    def rule_label(self, rule: str) -> str:
        return self._rule_labels.get(rule) or RULE_LABELS.get(rule) or rule

    def set_state(self, conviction_id: int, status: str, decided_by: str, suggestion_changed: bool = False) -> None:
        """A conviction's review as it now stands. A decision just made answers the current suggestion, so
        `suggestion_changed` is False unless the state was read back from the database."""
        pos = self.position(conviction_id)
        if pos is None:
            return
        self.status[pos] = STATUS_CODE.get(status, 0)
        self.changed[pos] = bool(suggestion_changed) and status != "pending"
        code = self._reviewer_code.get(decided_by)
        if code is None:
            code = len(self.reviewers)
            self.reviewers.append(decided_by)
            self._reviewer_code[decided_by] = code
        self.reviewer[pos] = code
        self._ranks.pop("reviewer", None)

    def set_suggestion(self, conviction_id: int, suggestion: str) -> None:
        """A conviction's current suggestion after an answer re-evaluated it (filters, bulk accept, sort)."""
        pos = self.position(conviction_id)
        code = SUGGESTION_CODE.get(suggestion)
        if pos is None or code is None or self.suggestion[pos] == code:
            return
        if not self.suggestion.flags.writeable:  # read straight from Arrow: copy once before the first change
            self.suggestion = self.suggestion.copy()
        self.suggestion[pos] = code
        for cached in [k for k in self._sequences if k[0] == "suggestion"]:
            del self._sequences[cached]


def _used(codes: np.ndarray, size: int) -> set[int]:
    """The codes that occur at least once."""
    return set(np.flatnonzero(np.bincount(codes, minlength=size)).tolist()) if len(codes) else set()


def _codes(values: pa.Array) -> tuple[list[str], np.ndarray]:
    """Categorical encoding: the distinct values (\"\" first) and each row's code."""
    encoded = pa.concat_arrays([pa.array([""], pa.string()), values]).dictionary_encode()
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy()[1:].astype(np.int32)


def _code_of(table: list[str], value: str) -> int:
    try:
        return table.index(value)
    except ValueError:
        return -1


def _dense_rank(values: pa.Array | list[str]) -> np.ndarray:
    """Equal values get equal ranks, so a secondary key can order them."""
    if not len(values):
        return np.zeros(0, np.int32)
    array = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    return pc.rank(array, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int32)
