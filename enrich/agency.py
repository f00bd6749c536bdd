"""The agency a post or complaint should reach: the one it names, else by category and place.

Thailand has two waterworks and two electricity authorities: the Metropolitan ones
(การประปานครหลวง, การไฟฟ้านครหลวง) serve only กรุงเทพมหานคร, นนทบุรี and สมุทรปราการ; the
Provincial ones (การประปาส่วนภูมิภาค, การไฟฟ้าส่วนภูมิภาค) the other 74 provinces. People
name them by abbreviation (กปภ., กปน., กฟภ., กฟน.), in full, or in English (PWA, MWA, PEA,
MEA), and a text that names one means it, wherever the place reading lands: a post about
"กปภ.สาขาบางบัวทอง" goes to the Provincial Waterworks even though the district is in นนทบุรี.

``agency_for`` decides in this order:

1. An agency the text names: the first one that serves the category (water for the
   waterworks, electricity for the electricity authorities), else the first named.
2. Nothing for category ``none`` when no agency is named.
3. The (category, province) entry of ``agencies_by_province`` (Bangkok water → MWA).
4. The category's entry of ``agencies`` (water elsewhere → PWA).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.models import Category
from enrich.place_names import name_key

PWA = "การประปาส่วนภูมิภาค"
MWA = "การประปานครหลวง"
PEA = "การไฟฟ้าส่วนภูมิภาค"
MEA = "การไฟฟ้านครหลวง"
_MAX_RUN = 4  # tokens an agency's name may be split into (การ ประปา ส่วน ภูมิภาค)


@dataclass(frozen=True)
class NamedAgency:
    """An agency as people write it, and the categories it serves."""

    name: str
    forms: tuple[str, ...]
    categories: frozenset[Category]


AGENCIES = (
    NamedAgency(
        PWA,
        ("กปภ.", "การประปาส่วนภูมิภาค", "ประปาส่วนภูมิภาค", "ประปาภูมิภาค", "PWA"),
        frozenset({Category.water_supply}),
    ),
    NamedAgency(
        MWA,
        ("กปน.", "การประปานครหลวง", "ประปานครหลวง", "MWA"),
        frozenset({Category.water_supply}),
    ),
    NamedAgency(
        PEA,
        ("กฟภ.", "การไฟฟ้าส่วนภูมิภาค", "ไฟฟ้าส่วนภูมิภาค", "PEA"),
        frozenset({Category.electricity}),
    ),
    NamedAgency(
        MEA,
        ("กฟน.", "การไฟฟ้านครหลวง", "ไฟฟ้านครหลวง", "MEA"),
        frozenset({Category.electricity}),
    ),
)
_BY_FORM = {name_key(form): agency for agency in AGENCIES for form in agency.forms}


def named_agencies(tokens: Sequence[str]) -> list[NamedAgency]:
    """The agencies ``tokens`` name, in the order first named, each once.

    Names are matched on whole tokens or runs of up to four (dots, spaces and case ignored),
    so กปภ. matches as written and PEA does not match inside "SPEAK".
    """
    keys = [name_key(token) for token in tokens]
    found: list[NamedAgency] = []
    i = 0
    while i < len(keys):
        match = None
        for j in range(min(len(keys), i + _MAX_RUN), i, -1):
            if keys[i] and (agency := _BY_FORM.get("".join(keys[i:j]))) is not None:
                match = (j, agency)
                break
        if match is None:
            i += 1
            continue
        i, agency = match
        if agency not in found:
            found.append(agency)
    return found


def agency_for(
    category: Category,
    agencies: Mapping[Category, str],
    *,
    province: str | None = None,
    by_province: Mapping[Category, Mapping[str, str]] | None = None,
    tokens: Sequence[str] = (),
) -> str | None:
    """The responsible agency (see the module docstring for the order).

    Args:
        category: the post's category.
        agencies: category → agency (config ``agencies``).
        province: where the post is, its surest province.
        by_province: category → province → agency (config ``agencies_by_province``).
        tokens: the text's tokens, searched for agencies it names.
    """
    named = named_agencies(tokens)
    if named:
        serving = [agency for agency in named if category in agency.categories]
        return (serving or named)[0].name
    if category is Category.none:
        return None
    if province and by_province and province in by_province.get(category, {}):
        return by_province[category][province]
    return agencies.get(category)


__all__ = ["AGENCIES", "MEA", "MWA", "PEA", "PWA", "NamedAgency", "agency_for", "named_agencies"]
