"""The pieces every column rule is made of: a result as columns, reasons and questions as text.

A result (`Res`) is five columns of the same frame: the suggestion; the reasons, each
"rule\\x1fcitation\\x1ftext", joined by "\\x1e"; whether a felony exception holds; the questions asked
on the way, each "key\\x1ftext\\x1fcitation\\x1foptions"; and the answers used on the way, written as
reasons. Null is none. `pick` chooses between results row by row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import count

import polars as pl

from reviewer.domain.vocabulary import Suggestion

SEP, PART = "\x1e", "\x1f"
RELIEF = [s.value for s in Suggestion if s.grants_relief]
SUGGESTION_WORDS = {s.value: s.label.lower() for s in Suggestion}  # as the reasons write them
NONE = pl.lit(None, pl.Utf8)
YES_NO = "yn"
TEXTS = "texts"  # the 11357-text question: before / after
OPTIONS = {YES_NO: (("yes", "Yes"), ("no", "No")),
           TEXTS: (("before", "The text before AUMA (the law at the offense)"),
                   ("after", "The text as amended by AUMA"))}


def text(*parts) -> pl.Expr:
    """Literal words and columns, concatenated (a null column makes the whole null: the rules only
    name values their branch has)."""
    exprs = [p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts]
    return exprs[0] if len(exprs) == 1 else pl.concat_str(exprs)


def cat(*lists: pl.Expr) -> pl.Expr:
    """Joined lists (null none; each list is read once, so that nested results stay small)."""
    return pl.concat_str(list(lists), separator=SEP, ignore_nulls=True).replace("", None)


def reason(rule, citation, words) -> pl.Expr:
    return text(rule, PART, citation, PART, words)


class Res:
    """A result: a leaf (one suggestion with its reasons) or a pick between results. Its suggestion and
    whether an exception holds are columns over every row (conditions and literals only); its reasons,
    questions and answers used are worked out per leaf, for the rows that reach it (`columns`)."""

    def after(self, asked: pl.Expr = NONE, used: pl.Expr = NONE) -> Res:
        """This result, reached after questions asked and answers used on the way."""
        raise NotImplementedError

    def plus(self, *reasons: pl.Expr) -> Res:
        raise NotImplementedError


_LEAF_IDS = count()


@dataclass(eq=False)
class Leaf(Res):
    suggestion: str
    reasons: pl.Expr = NONE
    disqualifiers: pl.Expr | None = None  # their texts, "; " between (None: no exception holds)
    asked: pl.Expr = NONE
    used: pl.Expr = NONE
    id: int = field(default_factory=lambda: next(_LEAF_IDS))

    @property
    def sug(self) -> pl.Expr:
        return pl.lit(self.suggestion)

    @property
    def dq(self) -> pl.Expr:
        return pl.lit(self.disqualifiers is not None)

    @property
    def path(self) -> pl.Expr:
        return pl.lit(self.id, pl.Int32)

    def leaves(self) -> dict[int, Leaf]:
        return {self.id: self}

    def after(self, asked: pl.Expr = NONE, used: pl.Expr = NONE) -> Leaf:
        return Leaf(self.suggestion, self.reasons, self.disqualifiers, cat(asked, self.asked), cat(used, self.used))

    def plus(self, *reasons: pl.Expr) -> Leaf:
        return Leaf(self.suggestion, cat(self.reasons, *reasons), self.disqualifiers, self.asked, self.used)


@dataclass(eq=False)
class Pick(Res):
    cases: tuple[tuple[pl.Expr, Res], ...]
    otherwise: Res

    def _chain(self, name: str) -> pl.Expr:
        chain = None
        for cond, res in self.cases:
            value = getattr(res, name)
            chain = pl.when(cond).then(value) if chain is None else chain.when(cond).then(value)
        return chain.otherwise(getattr(self.otherwise, name))

    @property
    def sug(self) -> pl.Expr:
        return self._chain("sug")

    @property
    def dq(self) -> pl.Expr:
        return self._chain("dq")

    @cached_property
    def path(self) -> pl.Expr:
        return self._chain("path")

    def leaves(self) -> dict[int, Leaf]:
        found = dict(self.otherwise.leaves())
        for _, res in self.cases:
            found.update(res.leaves())
        return found

    def after(self, asked: pl.Expr = NONE, used: pl.Expr = NONE) -> Pick:
        return Pick(tuple((cond, res.after(asked, used)) for cond, res in self.cases), self.otherwise.after(asked, used))

    def plus(self, *reasons: pl.Expr) -> Pick:
        return Pick(tuple((cond, res.plus(*reasons)) for cond, res in self.cases), self.otherwise.plus(*reasons))


_STAGE_IDS = count()


@dataclass(eq=False)
class Stage(Res):
    """A result worked out once, as a column of its own (the leaf each row reaches), before the results
    that read it: a rule reached from several branches, or whose suggestion another rule compares, is then
    one column, not a copy of its conditions in every expression that reaches it. `mapping`: each of the
    inner result's leaves as reached here (after questions on the way, with more reasons)."""

    inner: Res
    name: str
    mapping: dict[int, Leaf]

    @property
    def path(self) -> pl.Expr:
        if all(leaf_id == leaf.id for leaf_id, leaf in self.mapping.items()):
            return pl.col(self.name)
        return pl.col(self.name).replace_strict({k: v.id for k, v in self.mapping.items()}, return_dtype=pl.Int32)

    @property
    def sug(self) -> pl.Expr:
        return pl.col(self.name).replace_strict({k: v.suggestion for k, v in self.mapping.items()},
                                                return_dtype=pl.Utf8)

    @property
    def dq(self) -> pl.Expr:
        return pl.col(self.name).replace_strict({k: v.disqualifiers is not None for k, v in self.mapping.items()},
                                                return_dtype=pl.Boolean)

    def leaves(self) -> dict[int, Leaf]:
        return {leaf.id: leaf for leaf in self.mapping.values()}

    def after(self, asked: pl.Expr = NONE, used: pl.Expr = NONE) -> Stage:
        return Stage(self.inner, self.name, {k: v.after(asked, used) for k, v in self.mapping.items()})

    def plus(self, *reasons: pl.Expr) -> Stage:
        return Stage(self.inner, self.name, {k: v.plus(*reasons) for k, v in self.mapping.items()})


def stage(res: Res) -> Stage:
    """`res` worked out once, as a column (see Stage)."""
    return Stage(res, f"_stage{next(_STAGE_IDS)}", {leaf_id: leaf for leaf_id, leaf in res.leaves().items()})


def _stages(res: Res, found: dict[str, Stage]) -> dict[str, Stage]:
    """The stages `res` reads, those each reads before it (in the order they must be worked out)."""
    if isinstance(res, Stage):
        if res.name not in found:
            _stages(res.inner, found)
            found[res.name] = res
    elif isinstance(res, Pick):
        for _, case in res.cases:
            _stages(case, found)
        _stages(res.otherwise, found)
    return found


def result(suggestion: str, *reasons: pl.Expr, dq: pl.Expr | None = None) -> Leaf:
    """A leaf; `dq`: the texts of the felony exceptions that hold, if any."""
    return Leaf(suggestion, cat(*reasons) if reasons else NONE, dq)


def pick(*cases: tuple[pl.Expr, Res], otherwise: Res) -> Res:
    """The first case whose condition holds, row by row."""
    return Pick(tuple(cases), otherwise)


def columns(res: Res, frame: pl.DataFrame, words: bool = True) -> pl.DataFrame:
    """`frame` with the result's columns sug, dq, reasons, asked and used: which leaf each row reaches
    is worked out over all rows (conditions only); each leaf's words only for its own rows. Without
    `words`, asked and used are left null."""
    leaves = res.leaves()
    key = "rid" if "rid" in frame.columns else None
    stages = list(_stages(res, {}).values())
    for staged in stages:
        frame = frame.with_columns(staged.inner.path.alias(staged.name))
    routed = frame.with_columns(res.path.alias("_leaf"))
    if key is None:
        routed = routed.with_row_index("_row")
        key = "_row"
    parts = []
    for (leaf_id,), part in routed.partition_by("_leaf", as_dict=True).items():
        leaf = leaves[leaf_id]
        more = (leaf.asked, leaf.used, NONE if leaf.disqualifiers is None else leaf.disqualifiers) if words \
            else (NONE, NONE, NONE)
        parts.append(part.select(key, leaf.sug.alias("sug"), leaf.dq.alias("dq"), leaf.reasons.alias("reasons"),
                                 more[0].alias("asked"), more[1].alias("used"), more[2].alias("dq_text")))
    schema = {"sug": pl.Utf8, "dq": pl.Boolean, "reasons": pl.Utf8, "asked": pl.Utf8, "used": pl.Utf8, "dq_text": pl.Utf8}
    found = pl.concat([part.cast(schema) for part in parts]) if parts else \
        pl.DataFrame(schema={key: routed.schema[key], **schema})
    out = routed.join(found, on=key, how="left").drop("_leaf", *(staged.name for staged in stages))
    return out.drop("_row") if key == "_row" else out


def iso(day: pl.Expr) -> pl.Expr:
    """A date as the reasons write it (YYYY-MM-DD)."""
    return day.dt.strftime("%Y-%m-%d")


def answer(key: str) -> pl.Expr:
    """The attorney's answer to a question of this conviction (null: none): column `a:KEY`."""
    return pl.col(f"a:{key}")


@dataclass
class Ask:
    """A question asked where the record cannot decide: its answer where one of its options was given,
    and what asking leaves (a used answer, or an open question)."""

    value: pl.Expr
    asked: pl.Expr
    used: pl.Expr


def ask(key: str, words: pl.Expr | str, citation: str, options: str = YES_NO, when: pl.Expr | None = None) -> Ask:
    """A question: with an answer given (one of its options), the answer and the reason that says it was
    used; without one, the question left open. `when`: only where this holds is it asked at all (else no
    trace)."""
    given = answer(key)
    values = [v for v, _ in OPTIONS[options]]
    answered = given.is_in(values).fill_null(False)
    label = pl.lit(None, pl.Utf8)
    for value, words_of in OPTIONS[options]:
        label = pl.when(given == value).then(pl.lit(words_of)).otherwise(label)
    used = reason(f"answer:{key}", citation, text("the reviewing attorney answered ", label, ": ", words))
    asked = text(key, PART, words, PART, citation, PART, options)
    used = pl.when(answered).then(used).otherwise(NONE)
    asked = pl.when(answered).then(NONE).otherwise(asked)
    value = pl.when(answered).then(given)
    if when is not None:
        used, asked = pl.when(when).then(used).otherwise(NONE), pl.when(when).then(asked).otherwise(NONE)
        value = pl.when(when).then(value)
    return Ask(value, asked, used)
