"""Shipped example registers and goals files (illustrative, not any gemeente's own figures)."""
