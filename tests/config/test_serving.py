"""A deployment as README describes serves its own static files, compressed and cached.

`collectstatic`, then gunicorn with config/gunicorn.conf.py, DEBUG off, as separate
processes: the headers read here are the ones a council's browsers get.
"""

import gzip
import re
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.error import HTTPError

import pytest
from django.conf import settings

from tests.config.environment import PRODUCTION_ENV, deployment_env, manage

ONE_YEAR = "max-age=315360000, public, immutable"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The base address of gunicorn serving a freshly collected STATIC_ROOT."""
    folder = tmp_path_factory.mktemp("deployment")
    port = _free_port()
    env = PRODUCTION_ENV | {
        "STATIC_ROOT": str(folder / "static"),
        # Pages here touch no table; a file of its own keeps the project's db untouched.
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    collected = manage("collectstatic", "--no-input", "--verbosity", "0", **env)
    assert collected.returncode == 0, collected.stderr
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
        + ["config.wsgi"],
        cwd=settings.BASE_DIR,
        env=deployment_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"gunicorn did not start: {server.stderr.read()}")
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str, accept_encoding: str = "br, gzip"):
    request = urllib.request.Request(  # noqa: S310 (our own server, plain http)
        url,
        headers={
            "Accept-Encoding": accept_encoding,
            # As the HTTPS proxy in front says; else the app redirects to https.
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        return urllib.request.urlopen(request, timeout=10)  # noqa: S310 (our own server)
    except HTTPError as error:
        return error


def _stylesheet_address(deployment: str) -> str:
    page = _get(f"{deployment}/accessibility/", accept_encoding="identity")
    assert page.status == 200
    match = re.search(
        r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.read().decode()
    )
    assert match, "the page does not link the stylesheet by its hashed name"
    return deployment + match.group(1)


def test_static_files_are_served_compressed_and_kept_for_a_year(deployment):
    stylesheet = _stylesheet_address(deployment)
    brotli = _get(stylesheet, "br, gzip")
    assert brotli.status == 200
    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.headers["Cache-Control"] == ONE_YEAR
    assert "Accept-Encoding" in brotli.headers["Vary"]

    gzipped = _get(stylesheet, "gzip")
    assert gzipped.headers["Content-Encoding"] == "gzip"
    css = gzip.decompress(gzipped.read()).decode()
    assert ".site-header" in css

    plain = _get(stylesheet, "identity")
    assert plain.headers.get("Content-Encoding") is None
    assert int(plain.headers["Content-Length"]) > len(brotli.read())


def test_a_file_without_its_hash_is_served_but_not_kept(deployment):
    """An old page may still ask for the plain name; a browser must check back soon."""
    plain = _get(f"{deployment}/static/css/app.css")
    assert plain.status == 200
    assert plain.headers["Cache-Control"] == "max-age=60, public"


def test_the_favicon_is_served_at_the_root(deployment):
    icon = _get(f"{deployment}/favicon.ico")
    assert icon.status == 200
    assert icon.headers["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert icon.read()[:4] == b"\x00\x00\x01\x00"  # the ICO signature


def test_pages_are_compressed_too(deployment):
    page = _get(f"{deployment}/accessibility/", "gzip")
    assert page.status == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert "Accessibility statement" in gzip.decompress(page.read()).decode()


def test_every_static_file_a_template_names_exists():
    """Deployed, a name missing from collectstatic's manifest is an error on the page."""
    from django.contrib.staticfiles import finders

    names = set()
    for template in settings.BASE_DIR.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        names |= set(re.findall(r"{% static '([^']+)' %}", template.read_text()))
    assert "css/app.css" in names
    missing = sorted(name for name in names if not finders.find(name))
    assert missing == []
