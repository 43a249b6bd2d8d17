"""openness: evidence-backed openness audits of AI models."""

__version__ = "0.1.0"
