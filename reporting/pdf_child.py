"""The process that lays out one PDF: its entry point, `main` (see `rendering.report_pdf`).

Each PDF is laid out in a fresh child process that the web worker kills when it runs over
PDF_RENDER_TIMEOUT, so a report too long to lay out can never hold a worker or leave a
process behind. Children are forked from multiprocessing's forkserver, which imports this
module once: Django and WeasyPrint are then already loaded in every child.

The module must import without Django's apps being ready (the forkserver and a fresh
child start without them), so nothing that imports models is imported at the top.
"""

import contextlib
import math
import resource
import traceback
from multiprocessing.connection import Connection

import django
from django.apps import apps

if not apps.ready:
    # The forkserver (or a child started without it): set Django up, and load the layout
    # code once here rather than in every child. Laying out a tiny page warms WeasyPrint
    # (fonts, the default stylesheet) and saves each child about 50 ms; it starts no
    # thread, so forking afterwards is safe. Should it fail, each child finds out itself.
    django.setup()
    from reporting import rendering

    with contextlib.suppress(Exception):
        rendering.html_to_pdf('<html lang="en"><body><p>PDF</p></body></html>')


def main(html: str, conn: Connection, time_limit: float) -> None:
    """Lay out `html` and send `(True, pdf)`, or `(False, the error)`, back on `conn`.

    The CPU limit is a second guard: should the web worker die without killing this
    process, the kernel still stops it soon after the time limit.
    """
    cpu_seconds = math.ceil(time_limit) + 5
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    from reporting.rendering import html_to_pdf

    try:
        result = (True, html_to_pdf(html))
    except Exception:  # any failure goes back to the web worker, which logs it
        result = (False, traceback.format_exc(limit=5))
    conn.send(result)
    conn.close()
