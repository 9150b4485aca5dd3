"""Refusals the server sends back: an HTTP status and a sentence saying what is wrong."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def unauthorized(
    detail: str = "Missing, wrong or revoked token: enrol the terminal again.",
) -> ApiError:
    return ApiError(401, detail)


def forbidden(detail: str) -> ApiError:
    return ApiError(403, detail)


def not_found(detail: str) -> ApiError:
    return ApiError(404, detail)


def conflict(detail: str, **extra) -> ApiError:
    return ApiError(409, detail, **extra)


def invalid(detail: str, **extra) -> ApiError:
    return ApiError(422, detail, **extra)
