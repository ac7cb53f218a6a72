from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from planner import figures
from planner.models import ContentArea, Resource, ResourceSection, SelfAssessment, Source, Step, Topic

CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "usmle.yaml"
SCHEMA = 2

STEP_FIELDS = [
    "name",
    "full_name",
    "order",
    "plannable",
    "discontinued_year",
    "summary",
    "typical_timing",
    "order_note",
    "scoring",
    "pass_fail_since",
    "passing_score",
    "attempt_limit",
    "requires_degree",
    "requires_ecfmg_for_img",
    "study_hours",
]
STEP_SOURCES = ["passing_score_source", "attempt_source", "eligibility_source"]
AREA_FIELDS = ["share_min", "share_max", "source", "position"]
TOPIC_FIELDS = ["discipline", "emphasis", "yield_weight", "position", "retired_on"]
RESOURCE_FIELDS = ["step", "name", "kind", "unit", "total", "size_source", "edition", "description", "position"]
FORM_FIELDS = ["step", "name", "provider", "blocks", "items_per_block", "reports", "source", "position"]


def topic_weights(area, topics):
    """A system's published share (the midpoint of its range) split between its topics by emphasis."""
    midpoint = (area["share_min"] + area["share_max"]) / 2
    total_emphasis = sum(topic["emphasis"] for topic in topics)
    return [midpoint * topic["emphasis"] / total_emphasis for topic in topics]


class Table:
    """A catalog table's rows by natural key as they were before the load, so that the load writes only
    the rows that are new or changed."""

    def __init__(self, model, natural_key, fields):
        self.model = model
        self.fields = fields
        self.attnames = [model._meta.get_field(name).attname for name in fields]
        self.rows = {natural_key(row): row for row in model.objects.all()}
        self.read = {row.pk: self.values(row) for row in self.rows.values()}

    def values(self, row):
        return tuple(getattr(row, name) for name in self.attnames)

    def save(self, rows):
        # Split before inserting: the insert gives the new rows their keys.
        new = [row for row in rows if row.pk is None]
        changed = [row for row in rows if row.pk is not None and self.values(row) != self.read[row.pk]]
        self.model.objects.bulk_create(new)
        self.model.objects.bulk_update(changed, self.fields)


class Catalog:
    """One load of the catalog file: each part upserted by its natural key, in one transaction.

    Nothing a person's data points at is deleted: a topic, resource or practice-exam form that is
    no longer in the file is marked retired, and comes back if the file lists it again.
    """

    def __init__(self, data, today):
        if data.get("schema") != SCHEMA:
            raise CommandError(f"The catalog file must say `schema: {SCHEMA}`.")
        self.data = data
        self.today = today
        self.sources = {}
        self.steps = {}
        self.areas = {}

    def source(self, key, where):
        if key is None:
            return None
        try:
            return self.sources[key]
        except KeyError:
            raise CommandError(f"{where} names the source {key!r}, which `sources:` does not define.") from None

    def load(self):
        self.load_sources()
        self.load_steps()
        topics = self.load_areas_and_topics()
        resources = self.load_resources()
        forms = self.load_practice_exam_forms()
        return (
            f"Catalog loaded: {len(self.sources)} sources, {len(self.steps)} steps, {len(self.areas)} content areas, "
            f"{topics} topics, {resources} resources, {forms} practice exams."
        )

    def load_sources(self):
        table = Table(Source, lambda source: source.key, ["url", "title", "strength", "date"])
        rows = []
        for key, item in self.data["sources"].items():
            source = table.rows.get(key) or Source(key=key)
            source.url, source.title, source.strength, source.date = (
                item["url"],
                item["title"],
                item["strength"],
                item["date"],
            )
            rows.append(source)
            self.sources[key] = source
        table.save(rows)

    def load_steps(self):
        checked_on = self.data.get("checked_on")
        for item in self.data["steps"]:
            where = f"Step {item['code']}"
            defaults = {name: item.get(name, Step._meta.get_field(name).get_default()) for name in STEP_FIELDS}
            defaults["order_note"] = defaults["order_note"] or ""
            defaults["checked_on"] = checked_on
            for name in STEP_SOURCES:
                defaults[name] = self.source(item.get(name), where)
            exam_format = item.get("format") or {}
            defaults["format_days"] = exam_format.get("days") or []
            defaults["total_items"] = exam_format.get("total_items")
            defaults["testing_hours"] = exam_format.get("testing_hours")
            defaults["format_effective_on"] = exam_format.get("effective_on")
            defaults["format_source"] = self.source(exam_format.get("source"), f"{where}'s format")
            self.steps[item["code"]], _ = Step.objects.update_or_create(code=item["code"], defaults=defaults)
        for item in self.data["steps"]:
            required = [self.steps[code] for code in item.get("requires_passed") or []]
            self.steps[item["code"]].requires_passed.set(required)

    def load_areas_and_topics(self):
        area_table = Table(ContentArea, lambda area: (area.step_id, area.kind, area.name), AREA_FIELDS)
        area_rows = []
        for item in self.data["steps"]:
            step = self.steps[item["code"]]
            for position, row in enumerate(item.get("areas") or []):
                area = area_table.rows.get((step.pk, row["kind"], row["name"])) or ContentArea(
                    step=step, kind=row["kind"], name=row["name"]
                )
                area.share_min, area.share_max, area.position = row["share_min"], row["share_max"], position
                area.source = self.source(row.get("source"), f"{step.name}: {row['name']}")
                self.areas[(step.code, row["name"])] = area
                area_rows.append((area, row))
        area_table.save([area for area, _ in area_rows])

        topic_table = Table(Topic, lambda topic: (topic.area_id, topic.name), TOPIC_FIELDS)
        seen = set()
        topics = []
        for area, row in area_rows:
            topic_rows = row.get("topics") or []
            for position, (topic_row, weight) in enumerate(
                zip(topic_rows, topic_weights(row, topic_rows), strict=True)
            ):
                topic = topic_table.rows.get((area.pk, topic_row["name"])) or Topic(
                    step=area.step, area=area, name=topic_row["name"]
                )
                topic.discipline = topic_row.get("discipline") or ""
                topic.emphasis = topic_row["emphasis"]
                topic.yield_weight = weight
                topic.position = position
                topic.retired_on = None
                seen.add((area.pk, topic.name))
                topics.append(topic)
        topic_table.save(topics)
        gone = [topic.pk for key, topic in topic_table.rows.items() if key not in seen]
        Topic.objects.filter(pk__in=gone, retired_on__isnull=True).update(retired_on=self.today)
        return len(topics)

    def load_resources(self):
        table = Table(Resource, lambda resource: resource.key, [*RESOURCE_FIELDS, "retired_on"])
        resources, sections = [], []
        for position, item in enumerate(self.data.get("resources") or []):
            where = f"Resource {item['key']}"
            resource = table.rows.get(item["key"]) or Resource(key=item["key"])
            values = {
                **item,
                "step": self.steps[item["step"]],
                "size_source": self.source(item.get("size_source"), where),
                "edition": item.get("edition") or "",
                "description": item.get("description") or "",
                "position": position,
            }
            for name in RESOURCE_FIELDS:
                setattr(resource, name, values[name])
            resource.retired_on = None
            resources.append(resource)
            for section_position, section in enumerate(item.get("sections") or []):
                area = self.areas.get((item["step"], section["area"]))
                if area is None:
                    raise CommandError(f"{where} has a section for {section['area']!r}, not a system of its Step.")
                sections.append((resource, section_position, area, section))
        table.save(resources)
        keys = {resource.key for resource in resources}
        Resource.objects.exclude(key__in=keys).filter(retired_on__isnull=True).update(retired_on=self.today)

        # Sections are the catalog's own description of a resource; nothing else points at them.
        ResourceSection.objects.filter(resource__in=resources).delete()
        ResourceSection.objects.bulk_create(
            ResourceSection(
                resource=resource,
                position=position,
                area=area,
                amount=section["amount"],
                first_unit=section.get("first"),
            )
            for resource, position, area, section in sections
        )
        return len(resources)

    def load_practice_exam_forms(self):
        table = Table(SelfAssessment, lambda form: form.key, [*FORM_FIELDS, "retired_on"])
        forms = []
        for position, item in enumerate(self.data.get("practice_exams") or []):
            form = table.rows.get(item["key"]) or SelfAssessment(key=item["key"])
            values = {
                **item,
                "step": self.steps[item["step"]],
                "source": self.source(item.get("source"), f"Practice exam {item['key']}"),
                "position": position,
            }
            for name in FORM_FIELDS:
                setattr(form, name, values[name])
            form.retired_on = None
            forms.append(form)
        table.save(forms)
        keys = {form.key for form in forms}
        SelfAssessment.objects.exclude(key__in=keys).filter(retired_on__isnull=True).update(retired_on=self.today)
        return len(forms)


class Command(BaseCommand):
    help = (
        "Load the USMLE catalog (sources, Steps, content areas, topics, study resources, practice exams) from "
        "planner/catalog/usmle.yaml into the database. Updates rows in place and retires what the file no longer "
        "lists, so people's plans keep their work; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CATALOG, help="Catalog YAML file to load.")

    def handle(self, *args, **options):
        # libyaml's parser where PyYAML was built with it (its wheels are): ten times faster than Python's.
        data = yaml.load(options["file"].read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        with transaction.atomic():
            summary = Catalog(data, timezone.localdate()).load()
        # After the commit, so no page computed from the old catalog is stored under the new version.
        figures.catalog_changed()
        self.stdout.write(summary)
