"""Disqualifier tables as data, each entry with the statute that puts it there.

An entry matches a parsed code section when the section and code agree and the
subsection path starts with one of the listed prefixes. The prefix `()` matches only
a conviction recorded without subsection; `ANY` matches every subsection.
"""
from __future__ import annotations

from dataclasses import dataclass

from reviewer.domain.code_section import CodeSection

ANY: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class OffenseEntry:
    section: str
    label: str
    citation: str
    prefixes: tuple[tuple[str, ...], ...] = ANY
    code: str = "PC"

    def matches(self, code: CodeSection) -> bool:
        if code.section != self.section or code.code != self.code:
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
_HOMICIDE = "PC 667(e)(2)(C)(iv)(IV) (homicide or attempted homicide, PC 187-191.5)"
_SVP = "PC 667(e)(2)(C)(iv)(I) (sexually violent offense, WIC 6600(b))"
_LIFE = "PC 667(e)(2)(C)(iv)(VIII) (serious or violent felony punishable by life or death)"

SUPER_STRIKES: tuple[OffenseEntry, ...] = (
    OffenseEntry("37", "treason", _LIFE),
    OffenseEntry("128", "perjury causing execution", _LIFE),
    OffenseEntry("187", "murder", _HOMICIDE),
    OffenseEntry("188", "murder (malice)", _HOMICIDE),
    OffenseEntry("189", "first-degree murder", _HOMICIDE),
    OffenseEntry("189.1", "murder", _HOMICIDE),
    OffenseEntry("189.5", "murder", _HOMICIDE),
    OffenseEntry("190", "murder (punishment)", _HOMICIDE),
    OffenseEntry("190.05", "murder (punishment)", _HOMICIDE),
    OffenseEntry("190.2", "murder with special circumstances", _HOMICIDE),
    OffenseEntry("190.25", "murder of transit operator", _HOMICIDE),
    OffenseEntry("191", "manslaughter", _HOMICIDE),
    OffenseEntry("191.5", "gross vehicular manslaughter while intoxicated", _HOMICIDE),
    OffenseEntry("192", "manslaughter", _HOMICIDE),
    OffenseEntry("205", "aggravated mayhem", _LIFE),
    OffenseEntry("207", "kidnapping", _LIFE),
    OffenseEntry("209", "kidnapping for ransom or robbery", _LIFE),
    OffenseEntry("209.5", "kidnapping during carjacking", _LIFE),
    OffenseEntry("217.1", "attempted murder of a public official", _HOMICIDE),
    OffenseEntry("218", "train wrecking", _LIFE),
    OffenseEntry("219", "train wrecking", _LIFE),
    OffenseEntry("220", "assault with intent to commit a sex offense or mayhem", _SVP),
    OffenseEntry("245", "assault with a machine gun on a peace officer or firefighter", _SS + "(VI)", (("D", "3"),)),
    OffenseEntry("261", "rape", _SVP),
    OffenseEntry("262", "spousal rape", _SVP),
    OffenseEntry("264.1", "rape in concert", _SVP),
    OffenseEntry("269", "aggravated sexual assault of a child", _SVP),
    OffenseEntry("273AB", "assault on a child causing death", _LIFE),
    OffenseEntry("286", "sodomy by force or of a child", _SS + "(II)", ((), ("C",), ("D",))),
    OffenseEntry("287", "oral copulation by force or of a child", _SS + "(II)"),
    OffenseEntry("288", "lewd act on a child under 14", _SS + "(III)", ((), ("A",), ("B",))),
    OffenseEntry("288A", "oral copulation (former PC 288a)", _SS + "(II)", ((), ("C",), ("D",))),
    OffenseEntry("288.5", "continuous sexual abuse of a child", _SVP, ((), ("A",))),
    OffenseEntry("289", "sexual penetration by force or of a child", _SS + "(II)", ((), ("A",), ("J",))),
    OffenseEntry("451.5", "aggravated arson", _LIFE),
    OffenseEntry("653F", "solicitation to commit murder", _SS + "(V)", ((), ("B",))),
    OffenseEntry("667.61", "one-strike sex offense", _SVP),
    OffenseEntry("667.7", "habitual offender", _LIFE),
    OffenseEntry("667.71", "habitual sex offender", _SVP),
    OffenseEntry("4500", "assault by a life prisoner", _LIFE),
    OffenseEntry("11418", "weapon of mass destruction", _SS + "(VII)", (("A", "1"), ("B",))),
    OffenseEntry("12308", "explosive with intent to murder", _LIFE),
    OffenseEntry("12310", "explosive causing death or injury", _LIFE),
    OffenseEntry("18745", "explosive with intent to murder", _LIFE),
    OffenseEntry("18755", "explosive causing death or injury", _LIFE),
    OffenseEntry("1672", "military and veterans code explosive causing death", _LIFE, (("A",),), code="MV"),
)

# Offenses that become punishable by life when committed for a criminal street gang
# (PC 186.22(b)(4)); the combination in one court case is a super strike.
GANG_ENHANCEMENT = OffenseEntry("186.22", "criminal street gang enhancement", _LIFE, (("B", "4"),))
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
PC290_OFFENSES: tuple[OffenseEntry, ...] = (
    OffenseEntry("220", "assault with intent to commit a sex offense", _290),
    OffenseEntry("236.1", "human trafficking for sex", _290, (("B",), ("C",))),
    OffenseEntry("243.4", "sexual battery", _290),
    OffenseEntry("261", "rape", _290),
    OffenseEntry("262", "spousal rape", _290, (("A", "1"), ("A", "4"), ("A",))),
    OffenseEntry("264.1", "rape in concert", _290),
    OffenseEntry("266", "enticing a minor into prostitution", _290),
    OffenseEntry("266C", "sex by false pretenses", _290),
    OffenseEntry("266H", "pimping a minor", _290, (("B",),)),
    OffenseEntry("266I", "pandering a minor", _290, (("B",),)),
    OffenseEntry("266J", "procuring a child", _290),
    OffenseEntry("267", "abduction for prostitution", _290),
    OffenseEntry("269", "aggravated sexual assault of a child", _290),
    OffenseEntry("285", "incest", _290),
    OffenseEntry("286", "sodomy", _290),
    OffenseEntry("287", "oral copulation", _290),
    OffenseEntry("288", "lewd act on a child", _290),
    OffenseEntry("288A", "oral copulation (former PC 288a)", _290),
    OffenseEntry("288.3", "contact with a minor for a sex offense", _290),
    OffenseEntry("288.4", "arranging a meeting with a minor", _290),
    OffenseEntry("288.5", "continuous sexual abuse of a child", _290),
    OffenseEntry("288.7", "sex act with a child 10 or younger", _290),
    OffenseEntry("289", "sexual penetration", _290),
    OffenseEntry("311.1", "obscene matter of a minor", _290),
    OffenseEntry("311.2", "obscene matter of a minor", _290, (("B",), ("C",), ("D",))),
    OffenseEntry("311.3", "sexual exploitation of a child", _290),
    OffenseEntry("311.4", "employing a minor for obscene matter", _290),
    OffenseEntry("311.10", "advertising obscene matter of a minor", _290),
    OffenseEntry("311.11", "possession of obscene matter of a minor", _290),
    OffenseEntry("314", "indecent exposure", _290, (("1",), ("2",))),
    OffenseEntry("647.6", "annoying or molesting a child", _290),
    OffenseEntry("647A", "annoying or molesting a child (former PC 647a)", _290),
    OffenseEntry("653F", "solicitation of a sex offense", _290, (("C",),)),
)

# Subsections that are themselves "still a felony" conditions (DOMAIN.md).
DISQUALIFYING_SUBSECTIONS: tuple[OffenseEntry, ...] = (
    OffenseEntry("11359", "sale or attempted sale to a minor", "HS 11359(c)(3)", (("C", "3"),), code="HS"),
    OffenseEntry("11359", "person 21 or older using a minor", "HS 11359(d)", (("D",),), code="HS"),
    OffenseEntry("11360", "sale or furnishing to a minor", "HS 11360(a)(3)(C)", (("A", "3", "C"),), code="HS"),
    OffenseEntry("11360", "import or export of more than 28.5 g", "HS 11360(a)(3)(D)", (("A", "3", "D"),), code="HS"),
)


# Non-cannabis counts that often stood in for a cannabis charge in a plea bargain (DOMAIN.md):
# in the same court case as a cannabis conviction they deserve a look.
RELATED_CHARGES: tuple[OffenseEntry, ...] = (
    OffenseEntry("32", "accessory after the fact", "PC 32"),
    OffenseEntry("11364", "possession of paraphernalia", "HS 11364", code="HS"),
    OffenseEntry("11366", "maintaining a place for controlled substances", "HS 11366", code="HS"),
    OffenseEntry("11366.5", "managing a place for controlled substances", "HS 11366.5", code="HS"),
    OffenseEntry("647", "public intoxication", "PC 647(f)", (("F",),)),
)


def _index(entries: tuple[OffenseEntry, ...]) -> dict[tuple[str, str], tuple[OffenseEntry, ...]]:
    grouped: dict[tuple[str, str], list[OffenseEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.section, entry.code), []).append(entry)
    return {key: tuple(group) for key, group in grouped.items()}


_INDEXES = {id(t): _index(t) for t in (SUPER_STRIKES, GANG_ENHANCEABLE, PC290_OFFENSES, DISQUALIFYING_SUBSECTIONS,
                                         RELATED_CHARGES)}


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
