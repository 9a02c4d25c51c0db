"""Compression of the app's own text responses: pages, CSV, JSON, SVG.

Django's GZipMiddleware compresses any response of 200 bytes or more. Stored files
(evidence, PDFs, spreadsheets, Word documents) are compressed formats already, so gzipping
them again costs a web worker's CPU for nothing and loses their Content-Length, which is
what a browser's download bar shows progress against. Static files never come here:
WhiteNoise serves its own precompressed copies before this middleware runs.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = frozenset(
    {"text/html", "text/csv", "text/plain", "application/json", "image/svg+xml"}
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").partition(";")[0].strip()
        if content_type.lower() not in COMPRESSIBLE_TYPES:
            return response
        return super().process_response(request, response)
