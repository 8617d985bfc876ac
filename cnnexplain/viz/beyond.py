"""Figures of the analyses beyond the article (being written)."""

__all__: list[str] = []
