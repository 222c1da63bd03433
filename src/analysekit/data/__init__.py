"""Data layer: sources → validated canonical tables."""
