"""Reading a JSON request body and answering with a JSON error, shared by the API and the page."""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import JSONResponse

from app import errors
from app.errors import error_body

MAX_BODY = 64 * 1024  # bytes of a JSON request body


def error_response(status_code: int, message: str) -> JSONResponse:
    """An HTTP error in the JSON error shape."""
    return JSONResponse(error_body(message), status_code=status_code)


async def read_json(request: Request) -> object:
    """The request's JSON body, or an error response (too large, not JSON)."""
    size = request.headers.get("content-length")
    if size and size.isdigit() and int(size) > MAX_BODY:
        return error_response(413, errors.TOO_LARGE)
    body = await request.body()
    if len(body) > MAX_BODY:
        return error_response(413, errors.TOO_LARGE)
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error_response(400, errors.NOT_JSON)
