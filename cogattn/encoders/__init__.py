"""Encoding models for neural recordings: ridge, banded ridge and TRFs."""
