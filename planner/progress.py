"""Progress against each milestone: plain functions over plain values."""

from dataclasses import dataclass, field
from itertools import groupby


@dataclass
class SystemGroup:
    area: object
    plan_topics: list


@dataclass
class MilestoneProgress:
    milestone: object
    days_left: int | None
    groups: list[SystemGroup] = field(default_factory=list)
    total: int = 0
    done: int = 0
    weight_total: float = 0.0
    weight_done: float = 0.0

    @property
    def percent_by_count(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def percent_by_weight(self):
        return round(100 * self.weight_done / self.weight_total) if self.weight_total else 0


def timeline(milestones, plan_topics, today):
    """Each milestone with its topics grouped by system, in the order plan_topics come (by milestone)."""
    by_milestone = {m.pk: MilestoneProgress(m, m.days_left(today)) for m in milestones}
    for milestone_id, rows in groupby(plan_topics, key=lambda pt: pt.milestone_id):
        entry = by_milestone[milestone_id]
        rows = list(rows)
        for area, area_rows in groupby(rows, key=lambda pt: pt.topic.area):
            entry.groups.append(SystemGroup(area, list(area_rows)))
        for plan_topic in rows:
            weight = plan_topic.topic.yield_weight
            entry.total += 1
            entry.weight_total += weight
            if plan_topic.completed_at is not None:
                entry.done += 1
                entry.weight_done += weight
    return list(by_milestone.values())
