"""What may stand in the URL: parameter specs, and validation that reports what it dropped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lib.format import escape_markdown


@dataclass(frozen=True)
class Param:
    """One URL parameter (also the widget key): its Swedish description, accepted values and default."""

    key: str
    label: str
    options: Sequence[str]
    multi: bool = False
    default: str | tuple[str, ...] | None = None
    state: str = ""  # the widget's key when it differs from the URL name (a page's own setting, kept to its page)

    @property
    def widget(self) -> str:
        return self.state or self.key

    def default_value(self) -> str | list[str] | None:
        if self.multi:
            return list(self.default) if self.default is not None else list(self.options)
        return self.default if self.default is not None else (self.options[0] if self.options else None)

    def to_url(self, value: str | list[str] | None) -> list[str] | None:
        """The URL values for a widget value; None when it is the default (the URL stays short)."""
        if value is None or value == self.default_value():
            return None
        return list(value) if self.multi else [value]


@dataclass
class Validation:
    clean: dict[str, list[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)


SHOWN = 3  # values named in a notice; more are counted
MAX_NOTICES = 5  # boxes a link can put on a page


def _values(found: list[str]) -> str:
    named = ", ".join(f"”{escape_markdown(v)}”" for v in found[:SHOWN])
    return named + (f" och {len(found) - SHOWN} till" if len(found) > SHOWN else "")


def validate(raw: Mapping[str, Sequence[str]], specs: Sequence[Param], ignore: Sequence[str] = ()) -> Validation:
    """Keep the values the specs allow, each once (a list of förbund is never longer than the förbund that
    exist); describe what was dropped in Swedish, safely escaped, in a bounded number of notices however
    long the link."""
    result = Validation()
    by_key = {p.key: p for p in specs}
    for key, values in raw.items():
        if key in ignore:
            continue
        if key not in by_key:
            result.unknown_keys.append(key)
            continue
        spec = by_key[key]
        values = list(dict.fromkeys(values))  # each value once, in the link's order
        good = [v for v in values if v in spec.options]
        bad = [v for v in values if v not in spec.options and v != ""]
        if not spec.multi and len(good) > 1:
            bad += good[1:]
            good = good[:1]
        if len(bad) == 1:
            result.notices.append(f"{spec.label}: värdet {_values(bad)} finns inte och ignorerades")
        elif bad:
            result.notices.append(f"{spec.label}: {len(bad)} värden ignorerades ({_values(bad)}): de finns inte")
        if good:
            result.clean[key] = good
    if len(result.unknown_keys) == 1:
        result.notices.append(f"Okänd parameter i länken ignorerades: {escape_markdown(result.unknown_keys[0])}")
    elif result.unknown_keys:
        result.notices.append(
            f"{len(result.unknown_keys)} okända parametrar i länken ignorerades "
            f"({_values(result.unknown_keys).replace('”', '')})"
        )
    if len(result.notices) > MAX_NOTICES:
        rest = len(result.notices) - MAX_NOTICES + 1
        result.notices = [*result.notices[: MAX_NOTICES - 1], f"… och {rest} parametrar till i länken ignorerades"]
    return result


# Parameters Streamlit itself reads (the embedded view); never reported as unknown.
STREAMLIT_PARAMS = ("embed", "embed_options")
VIEW_OPTIONS = {"andel": "Andel av medlemsbidraget", "kronor": "Kronor mot taket"}


def shared_params(slugs: Sequence[str], years: Sequence[int]) -> list[Param]:
    """Controls shared by every page: which förbund (all by default), which year (latest by default)."""
    return [
        Param("forbund", "Förbund", list(slugs), multi=True),
        Param("ar", "År", ["senaste", *(str(y) for y in years)]),
    ]


# The consistency checks' ids (lib.checks.CHECKS), listed here to keep this module free of the checks' imports.
CHECK_IDS = (
    "balansrakning",
    "resultat",
    "eget_kapital_rullning",
    "kassaflode",
    "kostnadsfordelning",
    "andel",
    "delar_summa",
    "kon_summa",
    "hae_summa",
    "samma_figur",
    "enhet",
    "kurerat_och_publicerat",
    "medlemskommun",
)
COST_VIEW_OPTIONS = {"andel": "Andel av kostnaderna", "kronor": "Kronor"}
# The map's measures (lib.views_map.MEASURES), listed here for the same reason as CHECK_IDS.
MAP_MEASURE_IDS = ("eget_kapital", "administration", "arbete_studier", "stegforflyttning", "hae")


def page_params(page: str, sorts: Sequence[str], hae_periods: Sequence[str] = ()) -> list[Param]:
    """Options that belong to one page (by its url path)."""
    return {
        "": [Param("sortera", "Sortering", list(sorts))],
        # Both pages say "vy" in the link, but each keeps its own: kronor on one is not kronor on the other.
        "eget_kapital": [Param("vy", "Visning", list(VIEW_OPTIONS), state="vy_eget_kapital")],
        "kostnader": [Param("vy", "Visning", list(COST_VIEW_OPTIONS), state="vy_kostnader")],
        "hae": [Param("period", "Period", list(hae_periods))] if hae_periods else [],
        "karta": [Param("matt", "Mått", list(MAP_MEASURE_IDS))],
        "kallor": [
            Param("kontroll", "Kontroll", list(CHECK_IDS), multi=True, default=()),  # none chosen: all
            Param("allvar", "Allvar", ["alla", "motsägelse", "avrundning"]),
        ],
    }.get(page, [])


def value_from_url(spec: Param, clean: Mapping[str, list[str]]) -> str | list[str] | None:
    """The widget value a validated URL asks for, or None when it asks for nothing usable."""
    values = clean.get(spec.key)
    if not values:
        return None
    return list(values) if spec.multi else values[0]


def should_apply_url(first_run: bool, raw_values: Sequence[str] | None, last_written: Sequence[str] | None) -> bool:
    """Apply the URL to the widgets on a session's first run (an opened link) or when the URL changed
    from what we last wrote (back/forward). A URL without the parameter (menu navigation drops
    parameters) keeps the current selection."""
    if not raw_values:
        return False
    return first_run or list(raw_values) != list(last_written or [])
