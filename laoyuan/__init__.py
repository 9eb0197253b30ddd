"""Laoyuan (老院): governance and renewal of old residential compounds (老旧小区)."""
