"""Sending a file: one helper for every download, so that a file's name, Russian too, reaches
the browser intact. A header written by hand with a non-ASCII name went out MIME-encoded
(`=?utf-8?b?…?=`), which browsers do not decode; Django's helper writes RFC 6266's
`filename*=utf-8''…` instead."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(
    content: bytes, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """`content` as a file named `filename`: saved by the browser, or shown when `inline`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response
