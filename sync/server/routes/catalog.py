"""Catalog feed for terminals, catalog editing and deliveries for HQ."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
