"""Onramp: an open catalog of AI-safety talent programs and the communities they could reach."""

__version__ = "0.1.0"
