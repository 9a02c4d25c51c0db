from django.conf import settings
from django.core.management.base import BaseCommand

from actionplans.demo import DEMO_PASSWORD, demo_plans_load, demo_users_load


class Command(BaseCommand):
    help = "Load the demo plans (Leeds, Dudley); in demo mode also the demo users. Safe to repeat."

    def handle(self, *args, **options):
        for plan in demo_plans_load():
            self.stdout.write(
                f"Loaded {plan.title} ({plan.slug}): {plan.actions.count()} actions."
            )
        if not settings.DEMO_MODE:
            self.stdout.write("Demo users not created: set DEMO_MODE=1 to create them.")
            return
        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
        for demo in demo_users_load():
            self.stdout.write(f"  {demo.username:<12} {demo.role}")
