"""Figures of the steps of the article (being written)."""

__all__: list[str] = []
