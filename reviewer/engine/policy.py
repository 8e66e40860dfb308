"""Layer 2: the county's choices as data (JSON), validated on load.

Two formats are read:
* Reviewer's own (`"format": "reviewer-policy"`): an ordered list of rules, each a set of
  named conditions (see conditions.py) and the suggestion to make when all hold;
* gogen's `eligibility_options.json` (BEAR's configurable flow), read as-is and turned
  into the same rules, in gogen's order and with gogen's reason words.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewer.domain.vocabulary import Suggestion
from reviewer.engine.conditions import CONDITIONS, DATE_CONDITIONS, PolicyError

FOLLOW_STATUTE = "STATUTE"
FORMAT = "reviewer-policy"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: tuple[tuple[str, Any], ...]  # (condition name, compiled value)
    suggest: str  # a Suggestion name, or FOLLOW_STATUTE
    reason: str
    citation: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    rules: tuple[Rule, ...]
    otherwise: Rule
    source_format: str = FORMAT
    digest: str = ""
    document: dict = field(default_factory=dict, compare=False)

    @property
    def identity(self) -> str:
        """Name, version and content hash: what an evaluation records."""
        return f"{self.name} v{self.version} ({self.digest[:12]})"


def load_policy(path) -> Policy:
    """Read a policy file in either format; PolicyError names the file and field on any problem."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise PolicyError(f"{name}: cannot read the policy file ({exc.strerror})") from None
    try:
        document = json.loads(raw.decode("utf-8-sig"))
        return policy_from_document(document, name)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"line {exc.lineno}: " if isinstance(exc, json.JSONDecodeError) else ""
        raise PolicyError(f"{name}: {where}not valid JSON ({exc.msg if hasattr(exc, 'msg') else exc})") from None
    except RecursionError:
        raise PolicyError(too_deep(name)) from None


def too_deep(name: str) -> str:
    return f"{name}: not a policy: its JSON nests arrays or objects inside each other too deeply to read"


def policy_from_document(document: Any, name: str = "policy") -> Policy:
    if not isinstance(document, dict):
        raise PolicyError(f"{name}: the policy must be a JSON object")
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    if document.get("format") == FORMAT:
        return _from_reviewer(document, name, digest)
    if "baselineEligibility" in document:
        return _from_gogen(document, name, digest)
    raise PolicyError(
        f"{name}: unknown policy format (expected \"format\": \"{FORMAT}\" or gogen's \"baselineEligibility\")"
    )


def _from_reviewer(doc: dict, name: str, digest: str) -> Policy:
    if doc.get("format_version", 1) != 1:
        raise PolicyError(f"{name}: format_version {doc.get('format_version')!r} is not supported (1 is)")
    for key in ("name", "version"):
        if not isinstance(doc.get(key), (str, int)) or str(doc.get(key)) == "":
            raise PolicyError(f"{name}: field '{key}' is required")
    rules_doc = doc.get("rules")
    if not isinstance(rules_doc, list):
        raise PolicyError(f"{name}: field 'rules' must be a list")
    rules = tuple(_rule(r, f"{name}: rules[{i}]", f"rule-{i + 1}") for i, r in enumerate(rules_doc))
    otherwise_doc = doc.get("otherwise", {"suggest": "NEEDS_REVIEW", "reason": "No policy rule applies"})
    otherwise = _rule({**otherwise_doc, "when": {}}, f"{name}: otherwise", "otherwise")
    return Policy(str(doc["name"]), str(doc["version"]), rules, otherwise, FORMAT, digest, doc)


def _rule(doc: Any, where: str, default_id: str) -> Rule:
    if not isinstance(doc, dict):
        raise PolicyError(f"{where}: must be an object")
    suggest = doc.get("suggest")
    if suggest != FOLLOW_STATUTE and suggest not in Suggestion.__members__:
        allowed = ", ".join([*Suggestion.__members__, FOLLOW_STATUTE])
        raise PolicyError(f"{where}.suggest: {suggest!r} is not one of {allowed}")
    reason = doc.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise PolicyError(f"{where}.reason: a reason text is required")
    when = doc.get("when", {})
    if not isinstance(when, dict):
        raise PolicyError(f"{where}.when: must be an object of conditions")
    conditions = []
    for key, value in when.items():
        if key not in CONDITIONS:
            raise PolicyError(f"{where}.when.{key}: unknown condition (known: {', '.join(sorted(CONDITIONS))})")
        if key in DATE_CONDITIONS:
            value = _parse_date(value, f"{where}.when.{key}")
        condition = CONDITIONS[key]
        if not condition.valid(value):
            raise PolicyError(f"{where}.when.{key}: {value!r} is not valid; expected {condition.wants}")
        conditions.append((key, condition.compile(value)))
    return Rule(str(doc.get("id", default_id)), tuple(conditions), suggest, reason.strip(), str(doc.get("citation", "")))


def _parse_date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PolicyError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


# --- gogen's eligibility_options.json -------------------------------------------------------

_GOGEN_BOOLS = ("subjectUnder21AtConviction", "subjectHasOnlyProp64Charges", "subjectIsDeceased")
_GOGEN_INTS = {
    "subjectAgeThreshold": (40, 65),
    "yearsSinceConvictionThreshold": (1, 15),
    "yearsCrimeFreeThreshold": (1, 15),
}


def _from_gogen(doc: dict, name: str, digest: str) -> Policy:
    baseline = doc.get("baselineEligibility")
    if not isinstance(baseline, dict):
        raise PolicyError(f"{name}: baselineEligibility must be an object")
    lists = {}
    for key in ("dismiss", "reduce"):
        value = baseline.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise PolicyError(f"{name}: baselineEligibility.{key} must be a list of code sections")
        for v in value:
            if not v.strip()[:5] in ("11357", "11358", "11359", "11360"):
                raise PolicyError(f"{name}: baselineEligibility.{key}: {v!r} is not an HS 11357-11360 section")
        lists[key] = value
    relief = doc.get("additionalRelief", {}) or {}
    if not isinstance(relief, dict):
        raise PolicyError(f"{name}: additionalRelief must be an object")
    for key in _GOGEN_BOOLS:
        if key in relief and not isinstance(relief[key], bool):
            raise PolicyError(f"{name}: additionalRelief.{key} must be true or false")
    for key, (low, high) in _GOGEN_INTS.items():
        value = relief.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or (value != 0 and not low <= value <= high):
            raise PolicyError(f"{name}: additionalRelief.{key} must be 0 or between {low} and {high}")
    return Policy(
        name="gogen configurable flow",
        version="eligibility_options",
        rules=tuple(_gogen_rules(lists["dismiss"], lists["reduce"], relief)),
        otherwise=Rule("otherwise", (), "NEEDS_REVIEW", "No policy rule applies"),
        source_format="gogen-eligibility-options",
        digest=digest,
        document=doc,
    )


def _gogen_rules(dismiss: list[str], reduce: list[str], relief: dict):
    """gogen's configurable flow, step by step, with its reason words."""
    for rule in _gogen_steps(dismiss, reduce, relief):
        yield Rule(rule.id, tuple((k, CONDITIONS[k].compile(v)) for k, v in rule.when), rule.suggest, rule.reason)


def _gogen_steps(dismiss: list[str], reduce: list[str], relief: dict):
    yield Rule("misdemeanor-or-infraction", (("level", ("M", "I")),), "DISMISS_AND_SEAL", "Misdemeanor or Infraction")
    for key in dismiss:
        label = key.strip()
        yield Rule(f"dismiss-{label}", (("section", label),), "DISMISS_AND_SEAL", f"Dismiss all HS {label} convictions")
    if relief.get("subjectUnder21AtConviction"):
        yield Rule("under-21", (("under_21_at_conviction", True),), "DISMISS_AND_SEAL", "21 years or younger")
    if relief.get("subjectAgeThreshold"):
        n = relief["subjectAgeThreshold"]
        yield Rule("age-threshold", (("age_at_least", n),), "DISMISS_AND_SEAL", f"{n} years or older")
    if relief.get("yearsSinceConvictionThreshold"):
        n = relief["yearsSinceConvictionThreshold"]
        yield Rule(
            "years-since-conviction",
            (("years_since_conviction_at_least", n),),
            "DISMISS_AND_SEAL",
            f"Conviction occurred {n} or more years ago",
        )
    if relief.get("yearsCrimeFreeThreshold"):
        n = relief["yearsCrimeFreeThreshold"]
        yield Rule(
            "crime-free", (("no_conviction_within_years", n),), "DISMISS_AND_SEAL", f"No convictions in the past {n} years"
        )
    if relief.get("subjectHasOnlyProp64Charges"):
        yield Rule("only-prop64", (("only_cannabis_convictions", True),), "DISMISS_AND_SEAL", "Only has 11357-60 charges")
    if relief.get("subjectIsDeceased"):
        yield Rule("deceased", (("deceased", True),), "DISMISS_AND_SEAL", "Individual is deceased")
    for key in reduce:
        label = key.strip()
        yield Rule(
            f"reduce-{label}", (("section", label),), "REDESIGNATE_MISDEMEANOR", f"Reduce all HS {label} convictions"
        )
