"""Carrefour des innovations sociales."""
