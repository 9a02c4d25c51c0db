"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Threaded workers: while one request waits on the database or on a PDF (laid out in a
separate process, see PDF_RENDER_PROCESSES), the worker's other threads serve other users.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 120
accesslog = "-"
