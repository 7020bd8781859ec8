"""Date of birth, nationality and sex: how they move a name's score.

A missing fact on either side says nothing. A date that agrees raises the
score a little (more when it is a full date); the usual clerical slips (day
and month swapped, a year off by one) cost little; a real conflict costs a
lot. Nationality and sex are weaker: people hold several nationalities and
records get sex wrong, so a conflict lowers the score without ruling out.
"""

from __future__ import annotations

from dataclasses import dataclass

DateParts = tuple[int, int | None, int | None]


@dataclass(frozen=True, slots=True)
class Facts:
    dob: DateParts | None = None
    nationalities: tuple[str, ...] = ()
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact compared: the score change and the sentence that explains it. The
    sentence is written only when asked for: batch screening never shows it."""

    field: str
    adjustment: float
    template: str  # ``{q}`` and ``{c}`` stand for the query's and the record's values
    values: tuple[str | DateParts, str | DateParts] = ("", "")

    @property
    def text(self) -> str:
        q, c = (v if isinstance(v, str) else _fmt(v) for v in self.values)
        return self.template.format(q=q, c=c)


def parse_dob(value: str | None) -> DateParts | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (already validated) as parts."""
    if not value:
        return None
    parts = value.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else None
    day = int(parts[2]) if len(parts) > 2 else None
    return (year, month, day)


def _fmt(d: DateParts) -> str:
    y, m, day = d
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{day:02d}" if m and day else "")


def compare_dob(q: DateParts | None, c: DateParts | None) -> Evidence | None:
    if q is None or c is None:
        return None
    qy, qm, qd = q
    cy, cm, cd = c
    months = qm is not None and cm is not None
    days = months and qd is not None and cd is not None
    same_md = (not months or qm == cm) and (not days or qd == cd)
    if qy == cy and same_md:
        bonus = 0.45 if days else 0.3 if months else 0.15
        return Evidence("dob", bonus, "date of birth agrees ({q} / {c})", (q, c))
    if qy == cy and days and qm == cd and qd == cm:
        return Evidence(
            "dob", -0.02, "date of birth with day and month swapped ({q} / {c})", (q, c)
        )
    if abs(qy - cy) == 1 and same_md:
        return Evidence("dob", -0.04, "year of birth off by one ({q} / {c})", (q, c))
    if qy == cy:
        return Evidence("dob", -0.1, "same year of birth, other day ({q} / {c})", (q, c))
    return Evidence("dob", -0.25, "date of birth conflicts ({q} / {c})", (q, c))


def compare_nationality(q: tuple[str, ...], c: tuple[str, ...]) -> Evidence | None:
    if not q or not c:
        return None
    shared = sorted(set(q) & set(c))
    if shared:
        return Evidence("nationality", 0.1, "nationality agrees ({q})", (", ".join(shared), ""))
    return Evidence(
        "nationality", -0.06, "nationality differs ({q} / {c})", (", ".join(q), ", ".join(c))
    )


def compare_sex(q: str | None, c: str | None) -> Evidence | None:
    if not q or not c or q == "U" or c == "U":
        return None
    if q == c:
        return None
    return Evidence("sex", -0.08, "sex differs ({q} / {c})", (q, c))


def adjust(name_score: float, evidence: list[Evidence]) -> float:
    """Agreeing facts close part of the gap to 1, in proportion to the name's own score
    (a weak name stays weak); conflicting facts lower the score outright."""
    score = name_score
    for e in evidence:
        if e.adjustment > 0:
            score += e.adjustment * (1 - score) * name_score
        else:
            score += e.adjustment
    return min(1.0, max(0.0, score))
