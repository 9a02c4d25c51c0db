from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Management commands that generate a council-scale workload and measure it."""

    name = "benchmarks"
