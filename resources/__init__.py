"""Data files shipped with Reviewer (policies, fonts, templates)."""
