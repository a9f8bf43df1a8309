"""What X charges for a post on pay-per-use, from one dated table.

X publishes its prices in the developer console; update the table and its
date together when they change.
"""

from __future__ import annotations

from .length import url_spans

PRICES_AS_OF = "2026-04-20"
PRICE_OF_A_POST = 0.015  # US dollars
PRICE_OF_A_POST_WITH_A_URL = 0.20


def price_line(text: str) -> str:
    """``X charges $0.015 for this post (X's prices as of 2026-04-20).``"""
    if url_spans(text):  # X's own rule for what is a link
        price, link = PRICE_OF_A_POST_WITH_A_URL, " (it holds a link)"
    else:
        price, link = PRICE_OF_A_POST, ""
    return (
        f"X charges ${price:.3f}{link} for this post (X's prices as of {PRICES_AS_OF})."
    )
