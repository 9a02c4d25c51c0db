"""Settings for the benchmark commands: the app's own settings plus the benchmarks app.

The benchmark is a development tool, so production's INSTALLED_APPS leave it out. Run its
commands with these settings: `python manage.py bench --settings=benchmarks.settings`.
"""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405
