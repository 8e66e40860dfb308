"""The pieces every column rule is made of: a result as columns, reasons and questions as text.

A result (`Res`) is five columns of the same frame: the suggestion; the reasons, each
"rule\\x1fcitation\\x1ftext", joined by "\\x1e"; whether a felony exception holds; the questions asked
on the way, each "key\\x1ftext\\x1fcitation\\x1foptions"; and the answers used on the way, written as
reasons (questions.Asker's `open` and `used`). Null is none. `pick` chooses between results row by row, as
engine/statute.py's branches do.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

SEP, PART = "\x1e", "\x1f"
NONE = pl.lit(None, pl.Utf8)
NO = pl.lit(False)
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


@dataclass
class Res:
    sug: pl.Expr
    reasons: pl.Expr = NONE
    dq: pl.Expr = NO
    asked: pl.Expr = NONE
    used: pl.Expr = NONE

    def after(self, asked: pl.Expr = NONE, used: pl.Expr = NONE) -> Res:
        """This result, reached after questions asked and answers used on the way."""
        return Res(self.sug, self.reasons, self.dq, cat(asked, self.asked), cat(used, self.used))

    def plus(self, *reasons: pl.Expr) -> Res:
        return Res(self.sug, cat(self.reasons, *reasons), self.dq, self.asked, self.used)


def result(suggestion: str, *reasons: pl.Expr, dq: pl.Expr | bool = False) -> Res:
    return Res(pl.lit(suggestion), cat(*reasons) if reasons else NONE, pl.lit(dq) if isinstance(dq, bool) else dq)


def pick(*cases: tuple[pl.Expr, Res], otherwise: Res) -> Res:
    """The first case whose condition holds, row by row."""
    fields = {}
    for name in ("sug", "reasons", "dq", "asked", "used"):
        chain = None
        for cond, res in cases:
            value = getattr(res, name)
            chain = pl.when(cond).then(value) if chain is None else chain.when(cond).then(value)
        fields[name] = chain.otherwise(getattr(otherwise, name))
    return Res(**fields)


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
    """questions.Asker.ask; `when`: only where this holds is it asked at all (else no trace)."""
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
