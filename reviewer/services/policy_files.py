"""Policy files an office writes: a copy of a shipped policy, the configurable flow's options, the office's policy.

Every file written here is a Reviewer policy (`"format": "reviewer-policy"`) that the engine
reads with `load_policy`, validated before it is written. The office's own policy is kept in
the database (setting `office_policy`), versioned: saving a changed document gives it the next
version number; each evaluation run stores the document it used (evaluation_run.policy_document).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reviewer.engine.conditions import PolicyError
from reviewer.engine.policy import FORMAT, Policy, policy_from_document, too_deep
from reviewer.resources import shipped_policies
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.printing import get_setting, put_setting

OFFICE_POLICY_KEY = "office_policy"
CANNABIS_SECTIONS = ("11357", "11358", "11359", "11360")


def shipped_document(name: str) -> dict[str, Any]:
    """A shipped policy's JSON document, by short name (e.g. los-angeles-pilot-2019)."""
    shipped = shipped_policies()
    if name not in shipped:
        raise PolicyError(f"no shipped policy named {name!r}; shipped: {', '.join(shipped)}")
    return json.loads(shipped[name].read_text(encoding="utf-8"))


def base_document(spec: str | Path) -> dict[str, Any]:
    """The document of a shipped policy name, or of a Reviewer policy file."""
    if str(spec) in shipped_policies() and not Path(spec).exists():
        return shipped_document(str(spec))
    try:
        document = json.loads(Path(spec).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise PolicyError(f"{spec}: cannot read the policy file ({exc.strerror}); shipped policies: "
                          f"{', '.join(shipped_policies())}") from None
    except ValueError as exc:
        raise PolicyError(f"{spec}: not valid JSON ({exc})") from None
    except RecursionError:
        raise PolicyError(too_deep(str(spec))) from None
    try:
        policy_from_document(document, str(spec))  # validate
    except RecursionError:
        raise PolicyError(too_deep(str(spec))) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PolicyError(f"{spec}: only a Reviewer policy can be copied (gogen's eligibility_options.json is read "
                          "as it is by `reviewer evaluate --policy`)")
    return document


def new_policy_document(base: dict[str, Any], name: str = "", version: str = "1") -> dict[str, Any]:
    """A new office policy starting from `base`: same rules, its own name and version, and what it came from."""
    source = policy_from_document(base)
    doc = {k: v for k, v in base.items() if k not in ("name", "version", "based_on")}
    doc = {"format": FORMAT, "format_version": 1, "name": name.strip() or f"{source.name} (office copy)",
           "version": str(version), "based_on": source.identity, **{k: v for k, v in doc.items()
                                                                    if k not in ("format", "format_version")}}
    policy_from_document(doc)
    return doc


def write_policy_file(document: dict[str, Any], out: str | Path, overwrite: bool = False) -> Policy:
    """Validate and write atomically; refuses to replace an existing file unless asked."""
    out = Path(out)
    policy = policy_from_document(document, str(out))
    if out.exists() and not overwrite:
        raise PolicyError(f"{out}: the file exists already (choose another name, or replace it on purpose)")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, out)
    return policy


# --- the configurable flow's options (BEAR's eligibility options) ----------------------------------------


@dataclass
class ConfigurableOptions:
    """The options of Code for America's configurable flow, as an office chooses them."""

    dismiss: list[str] = field(default_factory=lambda: ["11357", "11358"])
    reduce: list[str] = field(default_factory=lambda: ["11359", "11360"])
    under_21_at_conviction: bool = True
    age_at_least: int = 0  # 0: not used
    years_since_conviction: int = 0
    years_crime_free: int = 0
    only_cannabis: bool = True
    deceased: bool = True

    def problems(self) -> list[str]:
        out = []
        for key in ("dismiss", "reduce"):
            bad = [s for s in getattr(self, key) if s not in CANNABIS_SECTIONS]
            if bad:
                out.append(f"{key}: {', '.join(bad)} not one of {', '.join(CANNABIS_SECTIONS)}")
        both = set(self.dismiss) & set(self.reduce)
        if both:
            out.append(f"HS {', '.join(sorted(both))}: both dismissed and reduced")
        for key, (low, high) in (("age_at_least", (40, 65)), ("years_since_conviction", (1, 15)),
                                 ("years_crime_free", (1, 15))):
            value = getattr(self, key)
            if value and not low <= value <= high:
                out.append(f"{key}: {value} is not between {low} and {high}")
        return out


def configurable_document(options: ConfigurableOptions, name: str = "Configurable flow (office options)",
                          version: str = "1") -> dict[str, Any]:
    """The configurable flow's rules for these options, in gogen's order and with its reason words."""
    problems = options.problems()
    if problems:
        raise PolicyError("configurable flow options: " + "; ".join(problems))
    rules: list[dict[str, Any]] = [
        {"id": "misdemeanor-or-infraction", "when": {"level": ["M", "I"]}, "suggest": "DISMISS_AND_SEAL",
         "reason": "Misdemeanor or Infraction"}]
    rules += [{"id": f"dismiss-{s}", "when": {"section": s}, "suggest": "DISMISS_AND_SEAL",
               "reason": f"Dismiss all HS {s} convictions"} for s in CANNABIS_SECTIONS if s in options.dismiss]
    if options.under_21_at_conviction:
        rules.append({"id": "under-21", "when": {"under_21_at_conviction": True}, "suggest": "DISMISS_AND_SEAL",
                      "reason": "21 years or younger"})
    if options.age_at_least:
        n = options.age_at_least
        rules.append({"id": f"age-{n}", "when": {"age_at_least": n}, "suggest": "DISMISS_AND_SEAL",
                      "reason": f"{n} years or older"})
    if options.years_since_conviction:
        n = options.years_since_conviction
        rules.append({"id": "years-since-conviction", "when": {"years_since_conviction_at_least": n},
                      "suggest": "DISMISS_AND_SEAL", "reason": f"Conviction occurred {n} or more years ago"})
    if options.years_crime_free:
        n = options.years_crime_free
        rules.append({"id": "crime-free", "when": {"no_conviction_within_years": n}, "suggest": "DISMISS_AND_SEAL",
                      "reason": f"No convictions in the past {n} years"})
    if options.only_cannabis:
        rules.append({"id": "only-prop64", "when": {"only_cannabis_convictions": True}, "suggest": "DISMISS_AND_SEAL",
                      "reason": "Only has 11357-60 charges"})
    if options.deceased:
        rules.append({"id": "deceased", "when": {"deceased": True}, "suggest": "DISMISS_AND_SEAL",
                      "reason": "Individual is deceased"})
    rules += [{"id": f"reduce-{s}", "when": {"section": s}, "suggest": "REDESIGNATE_MISDEMEANOR",
               "reason": f"Reduce all HS {s} convictions"} for s in CANNABIS_SECTIONS if s in options.reduce]
    doc = {"format": FORMAT, "format_version": 1, "name": name, "version": str(version),
           "description": "Code for America's configurable flow with the options this office chose.",
           "configurable_options": asdict(options), "rules": rules,
           "otherwise": {"suggest": "NEEDS_REVIEW", "reason": "No policy rule applies"}}
    policy_from_document(doc)
    return doc


def options_of(document: dict[str, Any] | None) -> ConfigurableOptions | None:
    """The options a configurable-flow document was written from (None for any other policy)."""
    raw = (document or {}).get("configurable_options")
    if not isinstance(raw, dict):
        return None
    known = ConfigurableOptions.__dataclass_fields__
    return ConfigurableOptions(**{k: v for k, v in raw.items() if k in known})


# --- the office's own policy, versioned ------------------------------------------------------------------


def _content(document: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in document.items() if k != "version"}, sort_keys=True)


def load_office_policy(db: Database) -> Policy | None:
    """The office's saved policy, or None when it has not saved one."""
    with db.engine.connect() as conn:
        stored = get_setting(conn, OFFICE_POLICY_KEY)
    return policy_from_document(json.loads(stored), "office policy") if stored else None


def save_office_policy(db: Database, document: dict[str, Any], user: str) -> Policy:
    """Store `document` as the office's policy. Unchanged content keeps its version; changed content
    gets the next one (audited, before and after)."""
    current = load_office_policy(db)
    document = dict(document)
    if current is not None and _content(current.document) == _content(document):
        return current
    previous = int(current.version) if current is not None and current.version.isdigit() else 0
    document["version"] = str(previous + 1)
    policy = policy_from_document(document, "office policy")
    with db.session() as session:
        put_setting(session, OFFICE_POLICY_KEY, json.dumps(document, sort_keys=True))
        AuditLog(session).record(user or "system", "settings.policy", "setting", None,
                                 {"policy": current.identity} if current else None, {"policy": policy.identity})
    return policy


def policy_file_name(policy: Policy) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", policy.name.lower()).strip("-") or "policy"
    return f"{slug}-v{policy.version}.json"


def write_office_policy_file(policy: Policy, folder: str | Path) -> Path:
    """The office policy's file (one per version, never overwritten with other content)."""
    out = Path(folder) / policy_file_name(policy)
    if out.exists():
        try:
            if policy_from_document(json.loads(out.read_text(encoding="utf-8"))).digest == policy.digest:
                return out
        except (ValueError, PolicyError):
            pass
        out = out.with_name(f"{out.stem}-{policy.digest[:8]}.json")
    write_policy_file(policy.document, out, overwrite=True)
    return out
