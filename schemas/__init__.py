"""Bundled knowledge, installed as the package data `kcompat._schemas` (see README.md here)."""
