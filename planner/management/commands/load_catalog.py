from pathlib import Path

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from planner.models import ContentArea, Resource, Step, Topic

CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "usmle.yaml"

STEP_FIELDS = [
    "name",
    "full_name",
    "order",
    "plannable",
    "discontinued_year",
    "summary",
    "typical_timing",
    "exam_days",
    "blocks",
    "max_questions",
    "testing_hours",
    "scoring",
    "pass_fail_since",
    "passing_score",
    "passing_score_uncertain",
    "attempt_limit",
    "requires_degree",
    "study_hours",
    "sources",
]
AREA_FIELDS = ["share_min", "share_max", "uncertain", "source", "source_date", "position"]


def topic_weights(area, topics):
    """A system's published share (the midpoint of its range) split between its topics by emphasis."""
    midpoint = (area["share_min"] + area["share_max"]) / 2
    total_emphasis = sum(topic["emphasis"] for topic in topics)
    return [midpoint * topic["emphasis"] / total_emphasis for topic in topics]


class Command(BaseCommand):
    help = (
        "Load the USMLE catalog (Steps, content areas, topics, study resources) from planner/catalog/usmle.yaml "
        "into the database. Updates rows in place; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CATALOG, help="Catalog YAML file to load.")

    @transaction.atomic
    def handle(self, *args, **options):
        data = yaml.safe_load(options["file"].read_text())
        checked_on = data.get("checked_on")

        steps = {}
        for item in data["steps"]:
            defaults = {name: item.get(name) for name in STEP_FIELDS}
            defaults["sources"] = defaults["sources"] or []
            defaults["checked_on"] = checked_on
            steps[item["code"]], _ = Step.objects.update_or_create(code=item["code"], defaults=defaults)
        for item in data["steps"]:
            steps[item["code"]].requires_passed.set([steps[code] for code in item.get("requires_passed") or []])

        areas_seen, topics_seen = self.load_areas(data["steps"], steps)
        resources = self.load_resources(data.get("resources", []), steps)
        self.stdout.write(
            f"Catalog loaded: {len(steps)} steps, {areas_seen} content areas, {topics_seen} topics, "
            f"{resources} resources."
        )

    def load_areas(self, step_items, steps):
        existing_areas = {(a.step_id, a.kind, a.name): a for a in ContentArea.objects.all()}
        areas, area_topics = [], []
        for item in step_items:
            step = steps[item["code"]]
            for position, row in enumerate(item.get("areas") or []):
                area = existing_areas.get((step.pk, row["kind"], row["name"])) or ContentArea(
                    step=step, kind=row["kind"], name=row["name"]
                )
                values = {**row, "position": position, "source": row.get("source") or ""}
                for name in AREA_FIELDS:
                    setattr(area, name, values.get(name))
                areas.append(area)
                area_topics.append((area, row, row.get("topics") or []))
        ContentArea.objects.bulk_create([a for a in areas if a.pk is None])
        ContentArea.objects.bulk_update([a for a in areas if a.pk is not None], AREA_FIELDS)

        existing_topics = {(t.area_id, t.name): t for t in Topic.objects.all()}
        topics = []
        for area, row, topic_rows in area_topics:
            for position, (topic_row, weight) in enumerate(
                zip(topic_rows, topic_weights(row, topic_rows), strict=True)
            ):
                topic = existing_topics.get((area.pk, topic_row["name"])) or Topic(
                    step=area.step, area=area, name=topic_row["name"]
                )
                topic.emphasis = topic_row["emphasis"]
                topic.yield_weight = weight
                topic.position = position
                topics.append(topic)
        Topic.objects.bulk_create([t for t in topics if t.pk is None])
        Topic.objects.bulk_update([t for t in topics if t.pk is not None], ["emphasis", "yield_weight", "position"])
        return len(areas), len(topics)

    def load_resources(self, items, steps):
        for item in items:
            resource, _ = Resource.objects.update_or_create(
                name=item["name"], defaults={"kind": item["kind"], "description": item.get("description", "")}
            )
            resource.steps.set([steps[code] for code in item["steps"]])
        return len(items)
