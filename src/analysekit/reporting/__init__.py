"""Reporting layer: parameterised notebooks, batch runs and the static site."""
