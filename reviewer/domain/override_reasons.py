"""Preset reasons for the common overrides, by outcome, each with the law it rests on.

An attorney picks one instead of typing; a typed reason is needed only where none fits. The text
recorded with the decision (and in the audit log) is the preset's `recorded` form, so reports and
the register read the same words for the same ground.
"""
from __future__ import annotations

from dataclasses import dataclass

from reviewer.domain.vocabulary import Outcome


@dataclass(frozen=True)
class PresetReason:
    key: str
    text: str
    citation: str

    @property
    def recorded(self) -> str:
        return f"{self.text} ({self.citation})"


_PRIOR_FELONY = "HS 11358(d)(1), 11359(c)(1), 11360(a)(3)(A)"

PRESET_REASONS: dict[Outcome, tuple[PresetReason, ...]] = {
    Outcome.DISMISS_AND_SEAL: (
        PresetReason("lawful-amount", "Court file: 28.5 g of cannabis (8 g of concentrate) or less, 21 or older "
                     "at the offense; lawful now", "HS 11362.1(a)(1),(2)"),
        PresetReason("lawful-plants", "Court file: six living plants or fewer, 21 or older; lawful now",
                     "HS 11362.1(a)(3)"),
        PresetReason("lawful-gift", "Court file: gave away or transported 28.5 g or less without payment, "
                     "21 or older; lawful now", "HS 11362.1(a)(1),(4)"),
    ),
    Outcome.REDESIGNATE_MISDEMEANOR: (
        PresetReason("more-than-28.5g", "Court file: more than 28.5 g (8 g of concentrate), 18 or older; a "
                     "misdemeanor now", "HS 11357(b)(2)"),
        PresetReason("more-than-6-plants", "Court file: more than six plants, none of the exceptions of "
                     "HS 11358(d); a misdemeanor now", "HS 11358(c)"),
        PresetReason("for-sale-no-exception", "Possession for sale; no disqualifying prior or circumstance in "
                     "the court file", "HS 11359(b)"),
        PresetReason("sale-no-exception", "Sale or transport for sale; no disqualifying prior or circumstance "
                     "in the court file", "HS 11360(a)(2)"),
    ),
    Outcome.REDESIGNATE_INFRACTION: (
        PresetReason("under-21-amount", "Court file: 28.5 g or less, under 21 at the offense; an infraction now",
                     "HS 11357(a)"),
        PresetReason("18-20-plants", "Court file: six plants or fewer, 18 to 20 at the offense; an infraction "
                     "now", "HS 11358(b)"),
        PresetReason("under-21-gift", "Court file: gave away or transported 28.5 g or less, under 21; an "
                     "infraction now", "HS 11360(b)"),
    ),
    Outcome.CHALLENGE_NOT_ELIGIBLE: (
        PresetReason("prior-super-strike", "Prior super-strike conviction (court file or another state's "
                     "record)", f"PC 667(e)(2)(C)(iv); {_PRIOR_FELONY}"),
        PresetReason("prior-290", "Prior conviction requiring registration under PC 290(c)",
                     f"PC 290(c); {_PRIOR_FELONY}"),
        PresetReason("two-priors", "Two or more prior convictions of the same offense",
                     "HS 11358(d)(2), 11359(c)(2), 11360(a)(3)(B)"),
        PresetReason("minor", "Sale or furnishing to a minor, or using a minor", "HS 11359(c)(3),(d); "
                     "HS 11360(a)(3)(C)"),
        PresetReason("import-export", "Import into or export out of California of more than 28.5 g",
                     "HS 11360(a)(3)(D)"),
        PresetReason("not-cannabis", "The conviction is not under HS 11357-11360 (the record's code section is "
                     "wrong)", "HS 11361.8(a)"),
    ),
    Outcome.CHALLENGE_PUBLIC_SAFETY: (
        PresetReason("risk-super-strike", "Still serving the sentence; an unreasonable risk of a new super-strike "
                     "offense, shown in the attached record", "HS 11361.8(b); PC 1170.18(c)"),
    ),
}


def presets_for(outcome: Outcome | None) -> tuple[PresetReason, ...]:
    return PRESET_REASONS.get(outcome, ()) if outcome is not None else ()


__all__ = ["PRESET_REASONS", "PresetReason", "presets_for"]
