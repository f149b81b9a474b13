"""Relais statistics: a read model of the events, supervision pages and the public figures."""
