"""Relais chat: live anonymous conversations between victims and officers."""
