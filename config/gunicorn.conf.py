"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Sync workers, 2 × cores + 1 of them: the pages are CPU-bound, so threads would only share
one interpreter. A PDF is laid out in a separate process (PDF_RENDER_PROCESSES) while its
worker waits; the other workers go on serving other users' pages.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
timeout = 120
accesslog = "-"
