from django.core.management.base import BaseCommand
from django.utils import timezone

from planner import layout
from planner.models import Milestone


class Command(BaseCommand):
    help = (
        "Give every Step still ahead that has no day-by-day layout yet (plans made before it existed) its "
        "resources, system blocks and daily tasks, from the plan's current settings. Touches no completed "
        "topics, logs or results; Steps already laid out are left alone, so it is safe to run again."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        pending = (
            Milestone.objects.ahead()
            .filter(laid_out_at__isnull=True, target_date__gt=today, starts_on__isnull=False)
            .select_related("plan", "step")
        )
        count = 0
        for milestone in pending.iterator(chunk_size=200):
            if not milestone.resources.exists():
                layout.add_default_resources(milestone)
            layout.lay_out_milestone(milestone, today)
            count += 1
        self.stdout.write(f"Laid out {count} Step{'' if count == 1 else 's'} that had no day-by-day plan.")
