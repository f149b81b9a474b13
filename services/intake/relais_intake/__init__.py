"""Relais intake: the public reporting API and page."""
