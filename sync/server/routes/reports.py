"""Reports for the campaign office: sales by day, booth, supplier, county, product; health."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
