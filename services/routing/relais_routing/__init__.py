"""Relais routing: from postal code to competent force, unit and operational centre."""
