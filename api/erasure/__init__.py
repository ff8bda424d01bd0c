"""Erasure: a brand and everything of it, one mention, or one author's mentions (GDPR)."""
