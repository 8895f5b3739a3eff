"""Mapper service: canonical events in, the exact request of every destination out."""
