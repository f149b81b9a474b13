"""Relais escalation: emergency dispatch that a person must acknowledge."""
