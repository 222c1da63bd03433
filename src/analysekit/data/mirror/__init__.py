"""Adapters for the offline mirror of real CBS/BZK files (one module per source folder)."""
