"""Provision to a third party in a foreign country (Act 28): which countries count as Japan.

The PPC designated the EU/EEA member states and the United Kingdom as having a system equivalent to
Japan's (平成31年個人情報保護委員会告示第1号, kept after Brexit). A recipient there is treated like a
domestic one (Art. 27 incl. outsourcing and joint use applies); elsewhere provision needs the person's
consent after the Rules 17 information, or a recipient with a 基準適合体制 (Rules 16).
"""

from __future__ import annotations

__all__ = ["EQUIVALENT_COUNTRIES", "is_equivalent_country", "is_foreign"]

#: ISO 3166-1 alpha-2 codes of the designated countries (Greece is "GR").
EQUIVALENT_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
        "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",  # EU
        "IS", "LI", "NO",  # EEA
        "GB",  # United Kingdom
    }
)


def is_foreign(country: str) -> bool:
    """Is a recipient in this country "in a foreign country" for Art. 28?"""
    return country.upper() != "JP"


def is_equivalent_country(country: str) -> bool:
    """Is the country designated as having an equivalent system (Art. 28(1), case D01/D02)?"""
    return country.upper() in EQUIVALENT_COUNTRIES
