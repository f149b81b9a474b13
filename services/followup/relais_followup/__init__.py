"""Relais follow-up: the 24–48 h call-back list worked by departmental cells."""
