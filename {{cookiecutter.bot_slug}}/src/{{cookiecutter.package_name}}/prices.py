"""What X charges for a post on pay-per-use, from one dated table.

X publishes its prices in the developer console; update the table and its
date together when they change. X lists no price for uploading media; it
charges for the alt text set on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .length import url_spans
from .posting import Part

PRICES_AS_OF = "2026-04-20"
PRICE_OF_A_POST = 0.015  # US dollars
PRICE_OF_A_POST_WITH_A_URL = 0.20
PRICE_OF_ALT_TEXT = 0.005  # each picture's or video's description


def price_line(thread: Sequence[Part]) -> str:
    """``X charges $0.015 for this post (X's prices as of 2026-04-20).``"""
    links = sum(1 for part in thread if url_spans(part.text))  # X's rule for links
    alt_texts = sum(
        1 for part in thread for media in part.media if media.alt and media.alt.strip()
    )
    price = (
        links * PRICE_OF_A_POST_WITH_A_URL
        + (len(thread) - links) * PRICE_OF_A_POST
        + alt_texts * PRICE_OF_ALT_TEXT
    )
    what = "this post" if len(thread) == 1 else f"these {len(thread)} posts"
    details = []
    if links:
        details.append(
            "it holds a link" if len(thread) == 1 else f"{links} with a link"
        )
    if alt_texts:
        details.append(f"{alt_texts} alt text{'s' if alt_texts > 1 else ''}")
    shown = f" ({', '.join(details)})" if details else ""
    return (
        f"X charges ${price:.3f}{shown} for {what} (X's prices as of {PRICES_AS_OF})."
    )
