"""Letter templates: text files an administrator edits, with a TOML front matter and a Jinja2 body.

    +++
    id = "final_plan_cover"
    title = "Final EHC plan: covering letter"
    version = 1
    appealable = true
    decision = "plan"
    recipients = ["main_correspondent", "parent", "carer", "young_person", "named_setting"]
    needs = ["case.final_issued"]
    subject = "{{ child.name }}: final Education, Health and Care plan"
    +++
    Body paragraphs, "## " headings and "- " bullets, with {{ fields }}.

``recipients`` says who may be sent it, ``needs`` which facts must be recorded before it can be made,
``appealable`` whether it notifies an appealable decision: if so the council's appeal-rights,
mediation and SENDIASS blocks are always appended under "Your rights" in the letter to the parent or
young person (only they can appeal, CFA s51), and a copy to anyone else says in one line that the
family has been told of those rights; a template cannot leave either out. ``decision`` says which
appealable decision it is (not_to_assess, not_to_issue, plan, review, cease), so the blocks speak of it alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from caseworker.letters.correspondent import past_compulsory_school_age
from caseworker.letters.document import Block, Letter, Para, parse_markup
from caseworker.letters.errors import LetterError, MandatoryBlocksMissing, TemplateFormatError
from caseworker.letters.facts import (
    COUNCIL_FIELDS,
    DECISIONS,
    NAMESPACES,
    RECIPIENT_KINDS,
    TOP_LEVEL,
    LetterFacts,
    Recipient,
    known_fact,
)
from caseworker.letters.jinja import FactsNode, compile_cached, compile_text, node
from caseworker.letters.limits import TemplateLimit, check_letter_day, render_limited
from caseworker.letters.resources import templates_dir
from caseworker.letters.rests_on import RESTS_ON_FIELDS
from caseworker.letters.settings import MANDATORY_BLOCKS, ContactPoint, CouncilSettings
from caseworker.letters.words import age_on
from caseworker.statutory.rules import Rules, default_rules

FENCE = "+++"
FRONT_KEYS = frozenset({"id", "title", "version", "appealable", "recipients", "needs", "subject", "description",
                        "decision", "rests_on"})
CONTACT_FIELDS = ("name", "phone", "email", "website", "address")


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    id: str
    title: str
    version: int
    appealable: bool
    recipients: tuple[str, ...]
    needs: tuple[str, ...]
    subject: Template
    body: Template
    path: Path
    description: str = ""
    decision: str | None = None  # the appealable decision it notifies: one of DECISIONS
    rests_on: tuple[str, ...] = ()  # the recorded dates it states (caseworker.letters.rests_on)


def _split(text: str, where: str) -> tuple[str, str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise TemplateFormatError(f"{where}: the file must start with a '+++' line, then the settings, then '+++'")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    raise TemplateFormatError(f"{where}: the settings at the top are not closed with a '+++' line")


def _strings(meta: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = meta.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TemplateFormatError(f"{where}: {key} must be a list of names in quotes")
    return tuple(value)


def parse_template(text: str, path: Path) -> LetterTemplate:
    """One template file; every problem names the file and the key."""
    where = path.name
    front, body = _split(text, where)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateFormatError(f"{where}: the settings between the '+++' lines are not valid TOML: {exc}") from exc
    unknown = sorted(set(meta) - FRONT_KEYS)
    if unknown:
        raise TemplateFormatError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    for key in ("id", "title", "subject"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise TemplateFormatError(f"{where}: {key} is missing or empty")
    if meta["id"] != path.stem:
        raise TemplateFormatError(f"{where}: id {meta['id']!r} must match the file name {path.stem!r}")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TemplateFormatError(f"{where}: version must be a whole number from 1")
    appealable = meta.get("appealable")
    if not isinstance(appealable, bool):
        raise TemplateFormatError(f"{where}: appealable must be true or false")
    recipients = _strings(meta, "recipients", where)
    if not recipients:
        raise TemplateFormatError(f"{where}: recipients must list who may receive it")
    bad = [r for r in recipients if r not in RECIPIENT_KINDS]
    if bad:
        raise TemplateFormatError(f"{where}: recipients: unknown kind(s) {', '.join(bad)}; "
                                  f"use {', '.join(RECIPIENT_KINDS)}")
    needs = _strings(meta, "needs", where)
    bad = [n for n in needs if not known_fact(n)]
    if bad:
        raise TemplateFormatError(f"{where}: needs: unknown fact(s) {', '.join(bad)}")
    rests_on = _strings(meta, "rests_on", where)
    bad = [n for n in rests_on if n not in RESTS_ON_FIELDS]
    if bad:
        raise TemplateFormatError(f"{where}: rests_on: unknown date(s) {', '.join(bad)}; use "
                                  f"{', '.join(sorted(RESTS_ON_FIELDS))}")
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise TemplateFormatError(f"{where}: description must be text in quotes")
    subject = compile_text(meta["subject"], f"{where}: subject")
    return LetterTemplate(id=meta["id"], title=meta["title"].strip(), version=version, appealable=appealable,
                          recipients=recipients, needs=needs, subject=subject, body=compile_text(body, where),
                          path=path, description=description.strip(), decision=_decision(meta, appealable, where),
                          rests_on=rests_on)


def _decision(meta: dict[str, Any], appealable: bool, where: str) -> str | None:
    decision = meta.get("decision")
    if decision is None:
        return None
    if decision not in DECISIONS:
        raise TemplateFormatError(f"{where}: decision must be one of {', '.join(DECISIONS)}")
    if not appealable:
        raise TemplateFormatError(f"{where}: decision is only for an appealable letter (appealable = true)")
    return str(decision)


def _contact_node(path: str, contact: ContactPoint) -> FactsNode:
    return node(path, None, CONTACT_FIELDS, {k: getattr(contact, k) or None for k in CONTACT_FIELDS})


def context(facts: LetterFacts, rules: Rules, decision: str | None = None) -> dict[str, Any]:
    """What a template sees: namespaces of recorded facts (None and empty text left out)."""
    c = facts.council
    council_values: dict[str, Any] = {k: getattr(c, k) or None for k in COUNCIL_FIELDS}
    for name in ("mediation_adviser", "la_mediation", "disagreement_resolution", "sendiass", "tribunal"):
        council_values[name] = _contact_node(f"council.{name}", getattr(c, name))
    r, child, dated = facts.recipient, facts.child, facts.dated
    ctx: dict[str, Any] = {
        "council": node("council", None, COUNCIL_FIELDS, council_values),
        "recipient": node("recipient", None, NAMESPACES["recipient"],
                          {"id": r.id, "kind": r.kind, "name": r.name, "address_lines": r.address_lines,
                           "postcode": r.postcode, "greeting": r.greeting, "addressee": r.addressee,
                           "family": r.family}),
        "child": node("child", child, NAMESPACES["child"],
                      {"forename": child.forename, "under_five": age_on(child.date_of_birth, dated) < 5}),
        "case": node("case", facts.case, NAMESPACES["case"]),
        "today": facts.today,
        "letter_date": dated,
        "our_reference": facts.our_reference,
    }
    if decision is not None:
        ctx["decision"] = decision
    if facts.advice is not None:
        ctx["advice"] = node("advice", facts.advice, NAMESPACES["advice"],
                             {"first_requested": facts.advice.first_requested, "by_post": facts.advice.by_post})
    if facts.exception is not None:
        ctx["exception"] = node("exception", facts.exception, NAMESPACES["exception"])
    if facts.setting is not None:
        ctx["setting"] = node("setting", facts.setting, NAMESPACES["setting"])
    if facts.plan is not None:
        ctx["plan"] = node("plan", facts.plan, NAMESPACES["plan"])
    if facts.meeting is not None:
        ctx["meeting"] = node("meeting", facts.meeting, NAMESPACES["meeting"])
    reasons = [r for r in facts.reasons if r.strip()]
    if reasons:
        ctx["reasons"] = reasons
    for name, period in (("appeal_by", "tribunal_appeal"), ("mediation_contact_by", "mediation_contact"),
                         ("reply_by", "school_consultation")):
        timescale = rules.periods.get(period)
        if timescale is not None:
            ctx[name] = timescale.last_day(dated)
    for key in list(ctx):
        if isinstance(ctx[key], str) and not ctx[key].strip():
            del ctx[key]
    assert set(ctx) <= TOP_LEVEL
    return ctx


def copy_notice(facts: LetterFacts, decision: str | None) -> Para:
    """The one line a copy of an appealable decision carries instead of the rights paragraphs."""
    who = "the young person" if past_compulsory_school_age(facts.child.date_of_birth, facts.dated) else "the family"
    what = "about the plan" if decision == "plan" else "against this decision"
    return Para(f"We have written separately to {who} to explain the right to appeal to the Tribunal {what}, "
                "and about mediation and free, impartial advice.")


def _resolve(ctx: dict[str, Any], path: str) -> bool:
    head, *rest = path.split(".")
    value: Any = ctx.get(head)
    for part in rest:
        if not isinstance(value, FactsNode):
            return False
        value = getattr(value, part, None)
    return value is not None


def _render(template: Template, ctx: dict[str, Any], where: str) -> str:
    try:
        return render_limited(template, ctx)
    except TemplateLimit as exc:
        raise LetterError(f"{where}: stopped: {exc}") from None
    except UndefinedError as exc:
        raise LetterError(f"{where}: {exc.message}") from exc
    except SecurityError as exc:
        raise LetterError(f"{where}: not allowed in a letter template: {exc}") from exc
    except TemplateError as exc:
        raise LetterError(f"{where}: {exc}") from exc
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:  # e.g. 1 / 0, 'a' + 1 in a template
        raise LetterError(f"{where}: the template cannot be worked out ({exc})") from None


def rights_blocks(council: CouncilSettings, ctx: dict[str, Any], where: str) -> tuple[Block, ...]:
    """The appealable-decision blocks, rendered in their fixed order; any missing or empty one is refused."""
    missing = [b for b in MANDATORY_BLOCKS if not council.blocks.get(b, "").strip()]
    if missing:
        raise MandatoryBlocksMissing(f"{where}: the block(s) {', '.join(missing)} are not configured; "
                                     "an appealable letter cannot be made without them")
    out: list[Block] = []
    for name in MANDATORY_BLOCKS:
        text = _render(compile_cached(council.blocks[name], f"block {name}"), ctx, f"{where}, block {name}")
        parsed = parse_markup(text)
        if not parsed:
            raise MandatoryBlocksMissing(f"{where}: the block {name} printed nothing")
        out.extend(parsed)
    return tuple(out)


class TemplateSet:
    """All the templates in a folder, parsed once; makes letters from facts."""

    def __init__(self, templates: dict[str, LetterTemplate], rules: Rules | None = None) -> None:
        self.templates = dict(sorted(templates.items()))
        self.rules = rules or default_rules()

    def titles(self) -> list[tuple[str, str]]:
        """(id, title) of every template, by id."""
        return [(t.id, t.title) for t in self.templates.values()]

    def get(self, template_id: str) -> LetterTemplate:
        try:
            return self.templates[template_id]
        except KeyError:
            raise LetterError(f"there is no letter template {template_id!r}") from None

    def for_recipient(self, recipient: Recipient, plan_in_place: bool | None = None,
                      request_on_record: bool = True) -> list[LetterTemplate]:
        """The templates that may be sent to this recipient (what a "new letter" menu offers); with
        ``plan_in_place=False`` (a request) not the letters about a plan in place; with
        ``request_on_record=False`` (a plan from before the records) not the letters of the 20 weeks. A plan's
        own letters come first for a plan in place: they are the ones its caseworker writes now."""
        offered = [t for t in self.templates.values() if recipient.kinds & set(t.recipients)
                   and (plan_in_place is not False or not about_a_plan(t))
                   and (request_on_record or not about_a_request(t))]
        if plan_in_place:
            offered.sort(key=lambda t: not about_a_plan(t))  # stable: each group keeps its order
        return offered

    def missing_facts(self, template_id: str, facts: LetterFacts) -> list[str]:
        """The facts the template needs that are not recorded (empty: it can be made)."""
        t = self.get(template_id)
        _check_dates(facts, f"template {t.id}")
        ctx = context(facts, self.rules, t.decision)
        return [n for n in t.needs if not _resolve(ctx, n)]

    def render(self, template_id: str, facts: LetterFacts) -> Letter:
        """Make the letter, or refuse with a LetterError naming the template and what is wrong."""
        t = self.get(template_id)
        where = f"template {t.id}"
        r = facts.recipient
        if not r.kinds & set(t.recipients):
            raise LetterError(f"{where}: cannot be sent to {r.name} ({r.kind.replace('_', ' ')}); "
                              f"it goes to: {', '.join(k.replace('_', ' ') for k in t.recipients)}")
        if not r.address_lines:
            raise LetterError(f"{where}: {r.name} has no postal address on record")
        _check_dates(facts, where)
        ctx = context(facts, self.rules, t.decision)
        missing = [n for n in t.needs if not _resolve(ctx, n)]
        if missing:
            raise LetterError(f"{where}: cannot be made until these are recorded: {', '.join(missing)}")
        subject = " ".join(_render(t.subject, ctx, f"{where}, subject").split())
        body = parse_markup(_render(t.body, ctx, where))
        if not body:
            raise LetterError(f"{where}: the letter has no text")
        rights: tuple[Block, ...] = ()
        if t.appealable and r.family:
            rights = rights_blocks(facts.council, ctx, where)
        elif t.appealable:
            body = (*body, copy_notice(facts, t.decision))
        case = facts.case
        return Letter(
            template_id=t.id, template_version=t.version, title=t.title, subject=subject, council=facts.council,
            recipient=r, date=facts.dated, our_reference=facts.our_reference, case_reference=case.reference,
            body=body, rights=rights, signatory=case.caseworker_name or facts.council.team_name,
            signatory_role=(case.caseworker_job_title or facts.council.signatory_role) if case.caseworker_name
            else facts.council.name,
            contact_phone=case.caseworker_phone or facts.council.phone,
            contact_email=case.caseworker_email or facts.council.email)


def about_a_plan(template: LetterTemplate) -> bool:
    """A letter about a plan in place: it needs something recorded of the plan."""
    return any(n == "plan" or n.startswith("plan.") for n in template.needs)


# Facts only a request on record has: its dates, its advice and its exceptions.
_REQUEST_FACTS = ("case.received", "case.decision", "case.draft", "case.final_due", "case.draft_latest_safe",
                  "advice.", "exception.")


def about_a_request(template: LetterTemplate) -> bool:
    """A letter of the 20-week assessment: it needs something only a request on record has."""
    return any(n.startswith(_REQUEST_FACTS) for n in template.needs)


def _check_dates(facts: LetterFacts, where: str) -> None:
    """A letter dated (or made) outside 2000-2100 comes from a mistyped date: refused, not printed."""
    check_letter_day(facts.dated, f"{where}: a letter cannot be dated")
    check_letter_day(facts.today, f"{where}: a letter cannot be made on")


def load_templates(directory: Path | None = None, rules: Rules | None = None) -> TemplateSet:
    """Every ``*.txt`` template in ``directory`` (default: resources/letters/templates)."""
    directory = directory or templates_dir()
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise TemplateFormatError(f"{directory}: there are no letter templates (*.txt) here")
    templates: dict[str, LetterTemplate] = {}
    for path in paths:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateFormatError(f"{path.name}: cannot be read as UTF-8 text ({exc})") from exc
        t = parse_template(text, path)
        templates[t.id] = t
    return TemplateSet(templates, rules)
