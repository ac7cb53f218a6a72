from datetime import date, timedelta

from planner.progress import Standing, TopicState, needed_per_week, projected_finish, standing

TODAY = date(2027, 2, 1)


def day(offset):
    return TODAY + timedelta(days=offset)


def topics_due_daily(count, first_due, weight=1.0, minutes=120):
    return [TopicState(weight, first_due + timedelta(days=i), minutes) for i in range(count)]


def done(topic, on):
    return TopicState(topic.weight, topic.due_on, topic.minutes, on)


def test_a_new_plan_is_on_track():
    topics = topics_due_daily(10, first_due=TODAY)

    assert standing(topics, TODAY) == Standing(0)
    assert standing(topics, TODAY).label == "On track"


def test_topics_due_before_today_and_not_done_put_you_behind_by_the_days_since_the_first_was_due():
    topics = topics_due_daily(10, first_due=day(-3))  # due 3, 2 and 1 days ago

    assert standing(topics, TODAY).label == "Behind by 3 days"


def test_doing_the_overdue_ones_puts_you_back_on_track():
    topics = topics_due_daily(10, first_due=day(-3))
    topics = [done(t, day(-1)) for t in topics[:3]] + topics[3:]

    assert standing(topics, TODAY).label == "On track"


def test_doing_tomorrows_topics_today_puts_you_ahead():
    topics = [done(t, TODAY) for t in topics_due_daily(3, first_due=TODAY)] + topics_due_daily(5, first_due=day(3))

    # Done: the topics due today, tomorrow and the day after; the schedule gets there on day 3.
    assert standing(topics, TODAY) == Standing(3)
    assert standing(topics, TODAY).label == "Ahead by 3 days"


def test_one_day_is_singular():
    assert Standing(1).label == "Ahead by 1 day"
    assert Standing(-1).label == "Behind by 1 day"


def test_weight_matters_more_than_count():
    heavy_overdue = TopicState(5.0, day(-2))
    light_done_early = done(TopicState(1.0, day(10)), TODAY)

    assert standing([heavy_overdue, light_done_early], TODAY).days < 0


def test_projection_follows_the_pace_of_the_last_fourteen_days():
    topics = topics_due_daily(20, first_due=day(-20))
    # 7 topics done over the last 14 days: half a topic a day; 13 left take 26 days.
    topics = [done(t, day(-i)) for i, t in enumerate(topics[:7], start=1)] + topics[7:]

    assert projected_finish(topics, TODAY, baseline=day(-60)) == day(26)


def test_projection_counts_only_the_days_since_a_recent_baseline():
    topics = topics_due_daily(12, first_due=day(-4))
    # Plan made 4 days ago; 2 topics done since: half a topic a day; 10 left take 20 days.
    topics = [done(t, day(-1)) for t in topics[:2]] + topics[2:]

    assert projected_finish(topics, TODAY, baseline=day(-4)) == day(20)


def test_no_recent_progress_gives_no_projection():
    topics = topics_due_daily(5, first_due=day(-3))
    topics = [done(topics[0], day(-30)), *topics[1:]]

    assert projected_finish(topics, TODAY, baseline=day(-60)) is None


def test_everything_done_is_done_today():
    topics = [done(t, day(-1)) for t in topics_due_daily(3, first_due=day(-5))]

    assert projected_finish(topics, TODAY, baseline=day(-10)) == TODAY


def test_the_weekly_need_spreads_what_is_left_over_the_weeks_to_the_review_stretch():
    topics = topics_due_daily(28, first_due=TODAY, minutes=90)
    topics = [done(t, TODAY) for t in topics[:7]] + topics[7:]

    need = needed_per_week(topics, TODAY, finish_by=day(21))

    assert need.topics_per_week == 7.0
    assert need.hours_per_week == 10.5
