"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Sync workers, 2 × cores + 1 of them: the pages are CPU-bound, so threads would only share
one interpreter. PDFs are laid out by Celery workers (`celery -A config worker`), never
in a web worker, so no page waits behind one.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
timeout = 120
accesslog = "-"
