"""Spaced review of completed topics: one FSRS card per completed topic (planner/review.py)."""

from django.db import models

from planner.models.plans import PlanTopic


class ReviewItem(models.Model):
    plan_topic = models.OneToOneField(PlanTopic, on_delete=models.CASCADE, related_name="review")
    # FSRS's own card state (fsrs.Card.to_dict), so the scheduler resumes where it left off.
    card = models.JSONField()
    # When FSRS wants the next review, as the day it falls on in the person's time zone.
    due_on = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    last_rating = models.CharField(max_length=8, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return f"Review of {self.plan_topic_id} due {self.due_on}"
