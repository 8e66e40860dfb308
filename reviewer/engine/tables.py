"""Disqualifier tables as data, each entry with the statute that puts it there.

An entry matches a parsed code section when the section and code agree and the
subsection path starts with one of the listed prefixes. The prefix `()` matches only
a conviction recorded without subsection; `ANY` matches every subsection.

Where the statute decides by subdivision or by a qualifier the DOJ record cannot show
(PC 261 by paragraph, PC 207 "with intent to commit" a sex offense, PC 220 except
mayhem), the record's spelling that leaves it open matches an entry with `ask`: the
question whose answer decides it. Such an entry is never a disqualifier by itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from reviewer.domain.code_section import CodeSection

ANY: tuple[tuple[str, ...], ...] = ()
NO_SUB = ((),)


@dataclass(frozen=True, slots=True)
class OffenseEntry:
    section: str
    label: str
    citation: str
    prefixes: tuple[tuple[str, ...], ...] = ANY
    code: str = "PC"
    ask: str = ""  # the record cannot show the qualifier: this question decides it
    attempts: bool = False  # an attempt (PC 664) of this offense is listed too
    felony_only: bool = False

    def matches(self, code: CodeSection) -> bool:
        if code.section != self.section or code.code != self.code:
            return False
        if code.attempt and not self.attempts:
            return False
        if not self.prefixes:
            return True
        for prefix in self.prefixes:
            if prefix == ():
                if code.subsections == ():
                    return True
            elif code.subsections[: len(prefix)] == prefix:
                return True
        return False


SUPER_STRIKE_CITATION = "PC 667(e)(2)(C)(iv)"
_SS = SUPER_STRIKE_CITATION
_HOMICIDE = "PC 667(e)(2)(C)(iv)(IV) (homicide or attempted homicide defined in PC 187-191.5)"
_SVP = "PC 667(e)(2)(C)(iv)(I) (sexually violent offense, WIC 6600(b))"
_CHILD = "PC 667(e)(2)(C)(iv)(II) (sex act with a child under 14, more than 10 years younger)"
_LEWD = "PC 667(e)(2)(C)(iv)(III) (lewd act on a child under 14, PC 288)"
_SOLICIT = "PC 667(e)(2)(C)(iv)(V) (solicitation to commit murder, PC 653f(b))"
_LIFE = "PC 667(e)(2)(C)(iv)(VIII) (serious or violent felony punishable by life or death)"
_SEX_INTENT = "PC 261, 262, 264.1, 286, 287, 288, 288.5 or 289"


def _homicide(section: str, label: str) -> OffenseEntry:
    return OffenseEntry(section, label, _HOMICIDE, attempts=True)


SUPER_STRIKES: tuple[OffenseEntry, ...] = (
    OffenseEntry("37", "treason", f"{_LIFE}; PC 37 (death or life without parole)"),
    OffenseEntry("128", "perjury causing execution", f"{_LIFE}; PC 128"),
    # (IV): "any homicide offense, including any attempted homicide offense, defined in Sections 187 to
    # 191.5, inclusive". PC 192 and 193 (manslaughter) are outside that range.
    _homicide("187", "murder"),
    _homicide("188", "murder (malice)"),
    _homicide("189", "first-degree murder"),
    _homicide("189.5", "murder"),
    _homicide("190", "murder (punishment)"),
    _homicide("190.05", "second-degree murder with a prior prison term"),
    _homicide("190.2", "murder with special circumstances"),
    _homicide("190.25", "murder of a transit operator"),
    _homicide("191.5", "gross vehicular manslaughter while intoxicated"),
    OffenseEntry("217.1", "attempted murder of a public official", _HOMICIDE, (("B",),)),
    OffenseEntry("217.1", "assault on or attempted murder of a public official", _HOMICIDE, NO_SUB,
                 ask="Was the PC 217.1 conviction under subdivision (b), attempted murder of a public official? "
                     "(Subdivision (a), assault, is not a super strike.)"),
    # Conspiracy to commit murder is punished as first-degree murder (PC 182(a), last paragraph).
    OffenseEntry("182", "conspiracy", f"{_LIFE}; PC 182(a) (conspiracy to commit murder)",
                 ((), ("A",), ("A", "1")),
                 ask="Was the PC 182 conspiracy a conspiracy to commit murder (punished as murder, PC 182(a))?"),
    OffenseEntry("205", "aggravated mayhem", f"{_LIFE}; PC 205"),
    OffenseEntry("206", "torture", f"{_LIFE}; PC 206.1"),
    # Simple kidnapping (PC 207) is punished 3, 5 or 8 years (PC 208): a super strike only as a
    # sexually violent offense, with intent to commit a listed sex offense (WIC 6600(b)).
    OffenseEntry("207", "kidnapping", _SVP,
                 ask=f"Was the PC 207 kidnapping committed with intent to commit a sex offense ({_SEX_INTENT})?"),
    OffenseEntry("209", "kidnapping for ransom, robbery or a sex offense", f"{_LIFE}; PC 209"),
    OffenseEntry("209.5", "kidnapping during a carjacking", f"{_LIFE}; PC 209.5"),
    OffenseEntry("218", "train wrecking", f"{_LIFE}; PC 218"),
    OffenseEntry("219", "train wrecking", f"{_LIFE}; PC 219"),
    OffenseEntry("220", "assault with intent to commit a sex offense during a first-degree burglary",
                 f"{_LIFE}; PC 220(b)", (("B",),)),
    OffenseEntry("220", "assault with intent to commit a sex offense on a minor", _SVP, (("A", "2"),)),
    OffenseEntry("220", "assault with intent to commit mayhem or a sex offense", _SVP, ((), ("A",), ("A", "1")),
                 ask=f"Was the PC 220 assault committed with intent to commit a sex offense ({_SEX_INTENT}) "
                     "rather than mayhem?"),
    OffenseEntry("245", "assault with a machine gun on a peace officer or firefighter", _SS + "(VI)", (("D", "3"),)),
    OffenseEntry("261", "rape by force or by threat of retaliation", _SVP, (("A", "2"), ("A", "6"))),
    OffenseEntry("261", "rape", _SVP, ((), ("A",)),
                 ask="Under which paragraph of PC 261(a) was the rape conviction? Paragraphs (1)-(4) and (6) "
                     "require registration (PC 290(c)); (2) and (6) are also super strikes."),
    OffenseEntry("262", "spousal rape by force or threat", _SVP, (("A", "1"), ("A", "4"))),
    OffenseEntry("262", "spousal rape", _SVP, ((), ("A",)),
                 ask="Was the former PC 262 conviction under subdivision (a)(1) or (a)(4) (by force or threat)?"),
    OffenseEntry("264.1", "rape in concert", _SVP),
    OffenseEntry("269", "aggravated sexual assault of a child", _SVP),
    OffenseEntry("273AB", "assault on a child causing death or coma", f"{_LIFE}; PC 273ab"),
    OffenseEntry("286", "sodomy by force or of a child", _CHILD, (("C",), ("D",))),
    OffenseEntry("287", "oral copulation by force or of a child", _CHILD, (("C",), ("D",))),
    OffenseEntry("288A", "oral copulation by force or of a child (former PC 288a)", _CHILD, (("C",), ("D",))),
    OffenseEntry("288", "lewd act on a child under 14", _LEWD, (("A",), ("B", "1"))),
    OffenseEntry("288.5", "continuous sexual abuse of a child", _SVP),
    OffenseEntry("288.7", "sex act with a child 10 or younger", f"{_LIFE}; PC 288.7"),
    OffenseEntry("289", "sexual penetration by force or of a child", _CHILD, (("A",), ("J",))),
    OffenseEntry("451.5", "aggravated arson", f"{_LIFE}; PC 451.5"),
    OffenseEntry("653F", "solicitation to commit murder", _SOLICIT, (("B",),)),
    OffenseEntry("653F", "solicitation", _SOLICIT, NO_SUB,
                 ask="Was the PC 653f solicitation a solicitation to commit murder (PC 653f(b))?"),
    OffenseEntry("667.61", "one-strike sex offense", f"{_LIFE}; PC 667.61"),
    OffenseEntry("667.71", "habitual sex offender", f"{_LIFE}; PC 667.71"),
    OffenseEntry("4500", "assault with malice by a life prisoner", f"{_LIFE}; PC 4500"),
    OffenseEntry("11418", "weapon of mass destruction", _SS + "(VII)", (("A", "1"),)),
    OffenseEntry("12310", "explosive causing death", f"{_LIFE}; former PC 12310(a)", (("A",),)),
    OffenseEntry("18755", "explosive causing death", f"{_LIFE}; PC 18755(a)", (("A",),)),
    OffenseEntry("18755", "explosive causing death or injury", f"{_LIFE}; PC 18755(a)", NO_SUB,
                 ask="Did the PC 18755 explosion cause death (subdivision (a), life imprisonment)?"),
    OffenseEntry("1672", "explosive causing death", f"{_LIFE}; MVC 1672(a)", (("A",),), code="MV"),
)

# Offenses that become punishable by life when committed for a criminal street gang
# (PC 186.22(b)(4)); the combination in one court case is a super strike.
GANG_ENHANCEMENT = OffenseEntry("186.22", "criminal street gang enhancement", _LIFE, (("B", "4"),))
GANG_ENHANCEMENTS: tuple[OffenseEntry, ...] = (GANG_ENHANCEMENT,)
GANG_ENHANCEABLE: tuple[OffenseEntry, ...] = (
    OffenseEntry("136.1", "dissuading a witness", _LIFE),
    OffenseEntry("213", "home-invasion robbery", _LIFE, (("A", "1", "A"),)),
    OffenseEntry("215", "carjacking", _LIFE),
    OffenseEntry("246", "shooting at an inhabited dwelling", _LIFE),
    OffenseEntry("519", "extortion", _LIFE),
    OffenseEntry("12022.55", "discharge of a firearm from a vehicle", _LIFE),
)

PC290_CITATION = "PC 290(c)"
_290 = PC290_CITATION


def _reg(section: str, label: str, prefixes=ANY, ask: str = "", felony_only: bool = False) -> OffenseEntry:
    """A PC 290(c) offense; "any statutory attempt" of the listed offenses is listed too."""
    return OffenseEntry(section, label, _290, prefixes, ask=ask, attempts=True, felony_only=felony_only)


PC290_OFFENSES: tuple[OffenseEntry, ...] = (
    _reg("207", "kidnapping", ask="Was the PC 207 kidnapping committed with intent to commit PC 261, 286, 287, "
                                  "288 or 289 (PC 290(c))?"),
    _reg("209", "kidnapping", ask="Was the PC 209 kidnapping committed with intent to commit PC 261, 286, 287, "
                                  "288 or 289 (PC 290(c))?"),
    _reg("220", "assault with intent to commit a sex offense", (("B",), ("A", "2"))),
    _reg("220", "assault with intent to commit mayhem or a sex offense", ((), ("A",), ("A", "1")),
         ask="Was the PC 220 assault committed with intent to commit a sex offense rather than mayhem "
             "(PC 290(c) excepts assault to commit mayhem)?"),
    _reg("236.1", "human trafficking for sex", (("B",), ("C",))),
    _reg("236.1", "human trafficking", NO_SUB,
         ask="Was the PC 236.1 conviction under subdivision (b) or (c) (trafficking for a sex offense)?"),
    _reg("243.4", "sexual battery"),
    _reg("261", "rape", (("A", "1"), ("A", "2"), ("A", "3"), ("A", "4"), ("A", "6"))),
    _reg("261", "rape", ((), ("A",)),
         ask="Under which paragraph of PC 261(a) was the rape conviction? Paragraphs (1)-(4) and (6) require "
             "registration (PC 290(c))."),
    _reg("262", "spousal rape", (("A", "1"),)),
    _reg("262", "spousal rape", ((), ("A",)),
         ask="Was the former PC 262 conviction under subdivision (a)(1)?"),
    _reg("264.1", "rape in concert"),
    _reg("266", "enticing a minor into prostitution"),
    _reg("266C", "sex by false pretenses"),
    _reg("266H", "pimping a minor", (("B",),)),
    _reg("266H", "pimping", NO_SUB, ask="Was the PC 266h conviction under subdivision (b) (a minor)?"),
    _reg("266I", "pandering a minor", (("B",),)),
    _reg("266I", "pandering", NO_SUB, ask="Was the PC 266i conviction under subdivision (b) (a minor)?"),
    _reg("266J", "procuring a child"),
    _reg("267", "abduction for prostitution"),
    _reg("269", "aggravated sexual assault of a child"),
    _reg("272", "contributing to the delinquency of a minor",
         ask="Did the PC 272 conviction involve lewd or lascivious conduct (PC 290(c))?"),
    _reg("285", "incest"),
    _reg("286", "sodomy"),
    _reg("287", "oral copulation"),
    _reg("288", "lewd act on a child"),
    _reg("288A", "oral copulation (former PC 288a)"),
    _reg("288.2", "harmful matter sent to a minor (felony)", felony_only=True),
    _reg("288.3", "contact with a minor for a sex offense"),
    _reg("288.4", "arranging a meeting with a minor"),
    _reg("288.5", "continuous sexual abuse of a child"),
    _reg("288.7", "sex act with a child 10 or younger"),
    _reg("289", "sexual penetration"),
    _reg("311.1", "obscene matter of a minor"),
    _reg("311.2", "obscene matter of a minor", (("B",), ("C",), ("D",))),
    _reg("311.2", "obscene matter", NO_SUB,
         ask="Was the PC 311.2 conviction under subdivision (b), (c) or (d) (matter depicting a minor)?"),
    _reg("311.3", "sexual exploitation of a child"),
    _reg("311.4", "employing a minor for obscene matter"),
    _reg("311.10", "advertising obscene matter of a minor"),
    _reg("311.11", "possession of obscene matter of a minor"),
    _reg("314", "indecent exposure", (("1",), ("2",), ())),
    # "314.1 PC" is how DOJ records write PC 314, paragraph 1.
    _reg("314.1", "indecent exposure (PC 314, paragraph 1)"),
    _reg("314.2", "procuring indecent exposure (PC 314, paragraph 2)"),
    _reg("647.6", "annoying or molesting a child"),
    _reg("647A", "annoying or molesting a child (former PC 647a)"),
    _reg("653F", "solicitation of a sex offense", (("C",),)),
    _reg("653F", "solicitation", NO_SUB,
         ask="Was the PC 653f solicitation under subdivision (c) (solicitation of a sex offense)?"),
)

# Subsections that are themselves "still a felony" conditions (HS 11358(d)(3), 11359(c)(3), 11359(d),
# 11360(a)(3)(C), 11360(a)(3)(D)).
DISQUALIFYING_SUBSECTIONS: tuple[OffenseEntry, ...] = (
    OffenseEntry("11358", "cultivation with a listed environmental violation", "HS 11358(d)(3)", (("D", "3"),),
                 code="HS"),
    OffenseEntry("11359", "sale or attempted sale to a minor", "HS 11359(c)(3)", (("C", "3"),), code="HS"),
    OffenseEntry("11359", "person 21 or older using a minor", "HS 11359(d)", (("D",),), code="HS"),
    OffenseEntry("11360", "sale or furnishing to a minor", "HS 11360(a)(3)(C)", (("A", "3", "C"),), code="HS"),
    OffenseEntry("11360", "import or export of more than 28.5 g", "HS 11360(a)(3)(D)", (("A", "3", "D"),), code="HS"),
)

# Subsections that exist only in the text AUMA enacted: a conviction under one was sentenced under
# current law (HS 11361.8(a) gives it nothing).
AUMA_ONLY_SUBSECTIONS: tuple[OffenseEntry, ...] = (
    OffenseEntry("11358", "AUMA subdivision", "HS 11358 as amended by AUMA", (("A",), ("B",), ("C",), ("D",)),
                 code="HS"),
    OffenseEntry("11359", "AUMA subdivision", "HS 11359 as amended by AUMA", (("A",), ("B",), ("C",), ("D",)),
                 code="HS"),
    OffenseEntry("11360", "AUMA paragraph", "HS 11360(a) as amended by AUMA", (("A", "1"), ("A", "2"), ("A", "3")),
                 code="HS"),
)


# Non-cannabis counts that often stood in for a cannabis charge in a plea bargain: in the same court
# case as a cannabis conviction, or as the only conviction of a cycle that began with a cannabis arrest,
# they deserve a look.
RELATED_CHARGES: tuple[OffenseEntry, ...] = (
    OffenseEntry("32", "accessory after the fact", "PC 32"),
    OffenseEntry("11364", "possession of paraphernalia", "HS 11364", code="HS"),
    OffenseEntry("11364.1", "possession of paraphernalia", "HS 11364.1", code="HS"),
    OffenseEntry("11365", "presence where controlled substances are used", "HS 11365", code="HS"),
    OffenseEntry("11366", "maintaining a place for controlled substances", "HS 11366", code="HS"),
    OffenseEntry("11366.5", "managing a place for controlled substances", "HS 11366.5", code="HS"),
    OffenseEntry("11550", "under the influence of a controlled substance", "HS 11550", code="HS"),
    OffenseEntry("647", "public intoxication", "PC 647(f)", (("F",),)),
)


def _index(entries: tuple[OffenseEntry, ...]) -> dict[tuple[str, str], tuple[OffenseEntry, ...]]:
    grouped: dict[tuple[str, str], list[OffenseEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.section, entry.code), []).append(entry)
    return {key: tuple(group) for key, group in grouped.items()}


_INDEXES = {id(t): _index(t) for t in (SUPER_STRIKES, GANG_ENHANCEMENTS, GANG_ENHANCEABLE, PC290_OFFENSES, DISQUALIFYING_SUBSECTIONS,
                                         AUMA_ONLY_SUBSECTIONS, RELATED_CHARGES)}


def first_match(entries: tuple[OffenseEntry, ...], code: CodeSection | None) -> OffenseEntry | None:
    """The first entry of a table matching a code section (tables are indexed by section and code)."""
    if code is None:
        return None
    key = id(entries)
    memo = code.memo
    if key in memo:
        return memo[key]
    index = _INDEXES.get(key) or _index(entries)
    found = next((entry for entry in index.get((code.section, code.code), ()) if entry.matches(code)), None)
    if key in _INDEXES:  # a module table lives as long as the memo; an ad hoc tuple's id could be reused
        memo[key] = found
    return found
