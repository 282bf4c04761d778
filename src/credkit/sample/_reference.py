"""Reference data of the sample generator: countries, names, segments (private)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context
from typing import Final

import attrs

from credkit.sample.portfolio import Behaviour

__all__: list[str] = []

# -- reference data ---------------------------------------------------------------------
# Weights are relative frequencies; sizes are rough and only shape the amounts.

BEHAVIOUR_WEIGHTS: Final = (
    (Behaviour.PROMPT, 45),
    (Behaviour.DISCOUNT_TAKER, 12),
    (Behaviour.SLOW, 17),
    (Behaviour.DETERIORATING, 9),
    (Behaviour.DISPUTING, 9),
    (Behaviour.DEFAULTING, 8),
)


@attrs.frozen
class Country:
    code: str
    currency: str
    stems: str  # language of the name stems
    words: str  # language of the industry words
    legal_forms: tuple[str, ...]
    weight: int
    per_eur: tuple[int, int]  # currency units per euro, roughly, as a fraction (sizing only)


COUNTRIES: Final = (
    Country("DE", "EUR", "de", "de", ("GmbH", "AG", "GmbH & Co. KG"), 18, (1, 1)),
    Country("FR", "EUR", "fr", "fr", ("SAS", "SA", "SARL"), 12, (1, 1)),
    Country("NL", "EUR", "nl", "nl", ("B.V.", "N.V."), 8, (1, 1)),
    Country("IT", "EUR", "it", "it", ("S.p.A.", "S.r.l."), 9, (1, 1)),
    Country("ES", "EUR", "es", "es", ("S.L.", "S.A."), 8, (1, 1)),
    Country("GB", "GBP", "en", "en", ("Ltd", "plc"), 14, (85, 100)),
    Country("US", "USD", "en", "en", ("Inc.", "LLC", "Corp."), 14, (108, 100)),
    Country("CH", "CHF", "de", "de", ("AG", "GmbH"), 7, (95, 100)),
    Country("JP", "JPY", "ja", "en", ("K.K.", "Co., Ltd."), 6, (160, 1)),
)

STEMS: Final[Mapping[str, tuple[str, ...]]] = {
    "de": (
        "Nordwind",
        "Rheinblick",
        "Alpenrose",
        "Falkenstein",
        "Eichenhof",
        "Sonnenberg",
        "Weserland",
        "Hansa",
        "Lindenhof",
        "Bergmann",
    ),
    "fr": (
        "Lumière",
        "Mistral",
        "Azur",
        "Horizon",
        "Beaulieu",
        "Valmont",
        "Rivoli",
        "Chantilly",
        "Belfort",
        "Garonne",
    ),
    "nl": (
        "Zeewind",
        "Polder",
        "Delta",
        "Oranje",
        "Noorderlicht",
        "Vlieland",
        "Amstel",
        "Dijkstra",
        "Waterland",
        "Kempen",
    ),
    "it": (
        "Aurora",
        "Vesuvio",
        "Solaris",
        "Stella",
        "Dolomiti",
        "Tirreno",
        "Venturi",
        "Aquila",
        "Monteverde",
        "Laguna",
    ),
    "es": (
        "Sierra",
        "Solana",
        "Mirador",
        "Brisa",
        "Alhambra",
        "Duero",
        "Costa",
        "Montaña",
        "Vega",
        "Girasol",
    ),
    "en": (
        "Atlas",
        "Brightwater",
        "Summit",
        "Redwood",
        "Harbour",
        "Keystone",
        "Northgate",
        "Meridian",
        "Oakridge",
        "Silverline",
        "Pinnacle",
        "Riverside",
    ),
    "ja": (
        "Sakura",
        "Fujimi",
        "Hikari",
        "Asahi",
        "Midori",
        "Kaze",
        "Tsubasa",
        "Yamato",
        "Shinsei",
        "Kobayashi",
    ),
}

# industry -> word in de, fr, nl, it, es, en
INDUSTRY_WORDS: Final[Mapping[str, tuple[str, str, str, str, str, str]]] = {
    "logistics": ("Logistik", "Logistique", "Logistiek", "Logistica", "Logística", "Logistics"),
    "manufacturing": (
        "Komponenten",
        "Composants",
        "Componenten",
        "Componenti",
        "Componentes",
        "Components",
    ),
    "food": ("Lebensmittel", "Alimentaire", "Voeding", "Alimentari", "Alimentación", "Foods"),
    "construction": (
        "Bau",
        "Construction",
        "Bouw",
        "Costruzioni",
        "Construcciones",
        "Construction",
    ),
    "electronics": (
        "Elektronik",
        "Électronique",
        "Elektronica",
        "Elettronica",
        "Electrónica",
        "Electronics",
    ),
    "chemicals": ("Chemie", "Chimie", "Chemie", "Chimica", "Química", "Chemicals"),
    "textiles": ("Textil", "Textiles", "Textiel", "Tessuti", "Textil", "Textiles"),
    "healthcare": ("Medizintechnik", "Médical", "Medisch", "Medicale", "Médica", "Medical"),
    "energy": ("Energie", "Énergie", "Energie", "Energia", "Energía", "Energy"),
    "distribution": (
        "Handel",
        "Distribution",
        "Handel",
        "Distribuzione",
        "Distribución",
        "Distribution",
    ),
}
LANGUAGES: Final = ("de", "fr", "nl", "it", "es", "en")
INDUSTRIES: Final = tuple(INDUSTRY_WORDS)
PUBLIC_INDUSTRIES: Final = ("healthcare", "energy", "construction")


@attrs.frozen
class Segment:
    name: str
    weight: int
    size_eur: tuple[int, int]  # typical invoice, in euros, drawn log-uniformly
    per_month: tuple[tuple[int, int], ...]  # (invoices in a month, weight)
    terms: tuple[tuple[tuple[str, int], int], ...]  # ((kind, days), weight)


SEGMENTS: Final = (
    Segment(
        "wholesale",
        50,
        (4_000, 60_000),
        ((0, 5), (1, 35), (2, 33), (3, 19), (4, 8)),
        ((("net", 30), 35), (("net", 45), 20), (("net", 60), 15), (("eom", 30), 30)),
    ),
    Segment(
        "retail",
        30,
        (300, 4_000),
        ((0, 15), (1, 60), (2, 25)),
        ((("net", 14), 40), (("net", 30), 60)),
    ),
    Segment(
        "public",
        20,
        (2_000, 40_000),
        ((0, 20), (1, 65), (2, 15)),
        ((("net", 30), 60), (("net", 60), 40)),
    ),
)

# Fixed arithmetic context, so that the caller's decimal context cannot change the output.
CONTEXT: Final = Context(prec=28)

DISCOUNT_DAYS: Final = 10
DISCOUNT_PERCENT: Final = 2
DISCOUNT_TERMS: Final = ("net", 30)
