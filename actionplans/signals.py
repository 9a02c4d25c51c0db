"""What the workflow tells the apps above it, which actionplans may not import.

`period_frozen` is sent, inside the transaction, when a month is closed or a closed month
amended (an update or its narrative): its reports have changed for good. Receivers that
start work elsewhere do so on commit (reporting queues the month's PDFs).
"""

from django.dispatch import Signal

period_frozen = Signal()  # keyword argument: period
