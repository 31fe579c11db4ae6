"""The vocabulary: förbund slugs, metric ids with units and Swedish labels, bases, periods."""

from __future__ import annotations

from dataclasses import dataclass

FORBUND_SLUGS: tuple[str, ...] = ("sodra-lappland", "solleftea", "jamtland", "sydnarke")

BASES: tuple[str, ...] = ("utfall", "budget", "plan", "härledd")
UNITS: tuple[str, ...] = ("kr", "%", "personer", "HÅE", "dagar", "antal")
ITEM_KINDS: tuple[str, ...] = ("insats", "medlem", "kostnadspost", "intaktspost", "post", "fraga")
AGE_BANDS: tuple[str, ...] = ("20–64", "20–65")
# Period of a figure within its year. HÅE half-year figures are not comparable with full-year ones.
PERIODS: tuple[str, ...] = ("helår", "halvår 1")


@dataclass(frozen=True)
class Metric:
    id: str
    unit: str
    label: str
    group: str


def _m(group: str, unit: str, *pairs: tuple[str, str]) -> list[Metric]:
    return [Metric(mid, unit, label, group) for mid, label in pairs]


METRICS: dict[str, Metric] = {
    m.id: m
    for m in [
        *_m(
            "ekonomi",
            "kr",
            ("medlemsbidrag", "Medlemsbidrag"),
            ("verksamhetens_intakter", "Verksamhetens intäkter"),
            ("verksamhetens_kostnader", "Verksamhetens kostnader"),
            ("finansiella_intakter", "Finansiella intäkter"),
            ("finansiella_kostnader", "Finansiella kostnader"),
            ("finansnetto", "Finansnetto (finansiella intäkter minus kostnader)"),
            ("verksamhetens_netto", "Verksamhetens nettokostnad (intäkter minus kostnader)"),
            ("arets_resultat", "Årets resultat"),
            ("eget_kapital", "Eget kapital vid årets slut"),
            ("eget_kapital_ingaende", "Eget kapital vid årets början"),
            ("summa_tillgangar", "Summa tillgångar"),
            ("likvida_medel", "Likvida medel vid årets slut"),
            ("likvida_medel_ingaende", "Likvida medel vid årets början"),
            ("fordringar", "Fordringar"),
            ("avsattningar", "Avsättningar"),
            ("skulder", "Skulder"),
            ("summa_eget_kapital_och_skulder", "Summa eget kapital, avsättningar och skulder"),
            ("kassaflode", "Årets kassaflöde"),
            ("medel_att_disponera", "Summa medel att disponera"),
        ),
        *_m(
            "ekonomi",
            "%",
            ("eget_kapital_andel", "Eget kapital i andel av medlemsbidrag"),
            ("soliditet", "Soliditet"),
        ),
        *_m(
            "drift",
            "kr",
            ("drift_kostnad", "Kostnad per rad i driftredovisningen"),
            ("drift_netto", "Netto per rad i driftredovisningen"),
            ("drift_intakt", "Intäkt per rad i driftredovisningen"),
        ),
        *_m(
            "kostnadsfordelning",
            "kr",
            ("kostnad_administration", "Administration"),
            ("kostnad_individinriktat", "Individinriktade insatser"),
            ("kostnad_strukturovergripande", "Strukturövergripande insatser"),
            ("kostnad_ej_fordelad", "Ej fördelbar på kategori"),
        ),
        *_m(
            "kostnadsfordelning",
            "%",
            ("kostnad_administration_andel", "Administrationens andel av kostnaderna"),
            ("kostnad_individinriktat_andel", "Individinriktade insatsers andel"),
            ("kostnad_strukturovergripande_andel", "Strukturövergripande insatsers andel"),
        ),
        *_m(
            "deltagare",
            "personer",
            ("deltagare", "Deltagare"),
            ("deltagare_kvinnor", "Deltagare, kvinnor"),
            ("deltagare_man", "Deltagare, män"),
            ("nya_deltagare", "Nya deltagare"),
            ("nya_deltagare_kvinnor", "Nya deltagare, kvinnor"),
            ("nya_deltagare_man", "Nya deltagare, män"),
            ("avslutade_deltagare_kvinnor", "Avslutade deltagare, kvinnor"),
            ("avslutade_deltagare_man", "Avslutade deltagare, män"),
            ("avslutade_arbete_studier_kvinnor", "Avslutade till arbete eller studier, kvinnor"),
            ("avslutade_arbete_studier_man", "Avslutade till arbete eller studier, män"),
            ("avslutade_deltagare", "Avslutade deltagare"),
            ("avslutade_arbete_studier", "Avslutade till arbete eller studier"),
            ("avslutade_egen_forsorjning", "Avslutade till egen försörjning"),
            ("avslutade_stegforflyttning", "Avslutade med positiv stegförflyttning"),
            ("strukturdeltagare", "Deltagare i strukturövergripande insatser"),
            ("enkat_utskick", "Enkät: antal tillfrågade"),
            ("enkat_svar", "Enkät: antal svarande"),
        ),
        *_m(
            "deltagare",
            "%",
            ("deltagare_kvinnor_andel", "Andel kvinnor bland deltagarna"),
            ("avslutade_arbete_studier_andel", "Andel av avslutade till arbete eller studier"),
            ("avslutade_egen_forsorjning_andel", "Andel av avslutade till egen försörjning"),
            ("avslutade_stegforflyttning_andel", "Andel av avslutade med positiv stegförflyttning"),
            ("enkat_andel_positiva", "Enkät: andel positiva svar"),
        ),
        *_m("deltagare", "kr", ("kostnad_per_deltagare", "Kostnad per deltagare")),
        *_m("deltagare", "dagar", ("tid_i_insats", "Genomsnittlig tid i insats")),
        *_m(
            "hae",
            "HÅE",
            ("hae_sjukpenning", "Sjukpenning"),
            ("hae_sjuk_och_aktivitetsersattning", "Sjuk- och aktivitetsersättning"),
            ("hae_arbetsloshet", "Arbetslöshet"),
            ("hae_arbetsmarknadsatgarder", "Arbetsmarknadsåtgärder"),
            ("hae_ekonomiskt_bistand", "Ekonomiskt bistånd"),
            ("hae_etableringsersattning", "Etableringsersättning"),
            ("hae_totalt", "Totalt"),
        ),
        *_m("hae", "personer", ("folkmangd", "Folkmängd i åldersgruppen")),
        *_m("hae", "%", ("hae_andel", "Andel av befolkningen")),
    ]
}

HAE_CATEGORIES: tuple[str, ...] = (
    "hae_sjukpenning",
    "hae_sjuk_och_aktivitetsersattning",
    "hae_arbetsloshet",
    "hae_arbetsmarknadsatgarder",
    "hae_ekonomiskt_bistand",
    "hae_etableringsersattning",
)

COST_CATEGORIES: dict[str, str] = {
    "administration": "kostnad_administration",
    "individinriktat": "kostnad_individinriktat",
    "strukturovergripande": "kostnad_strukturovergripande",
    "ej_fordelad": "kostnad_ej_fordelad",
}
# A mapped row whose amount is accounted for by its own sub-rows elsewhere in the mapping.
SPLIT_CATEGORY = "uppdelad"
MAPPING_CATEGORIES: tuple[str, ...] = (*COST_CATEGORIES, SPLIT_CATEGORY)

# Outcome metrics each carry their own definition; they are never ranked against each other.
OUTCOME_DEFINITIONS: dict[str, str] = {
    "avslutade_arbete_studier": "arbete/studier",
    "avslutade_egen_forsorjning": "egen försörjning",
    "avslutade_stegforflyttning": "positiv stegförflyttning",
}


def metric_unit(metric_id: str) -> str:
    """The unit a metric is stored in."""
    return METRICS[metric_id].unit
