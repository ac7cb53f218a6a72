"""Load benchmark: gunicorn run the production way, loaded with wrk, on 127.0.0.1 only.

Usage: make bench [BENCH_ARGS="--users 10000"]
   or: .venv/bin/python bench/run.py --seconds 10 --connections 16 [--plans 20] [--users 10000]

It seeds one demo person into the database DATABASE_URL names (Redis too when REDIS_URL is set), signs
them in, then loads each of PAGES in turn: /healthz without and with a session (the baselines), the
dashboard, Today, the plan page, the calendar and the topic toggle. It prints requests per second, p50
and p99 latency, non-2xx responses, the ratio to the signed-in /healthz and each page's SQL query count.
Then it times plan creation in-process: a plan for Step 1, Step 2 CK and Step 3 over three years made
with the plan form's write (planner.plans.save_plan), then five resources for each Step laid out again,
as a person does on the resources page. Last, each of TARGETS with PASS or MISS. The same goes as JSON
under bench/results/. With --users N it then seeds N people and loads the same pages for the demo
person again: each page's p99 should stay within 1.25 times the one-person figure. It stops every
process it started.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# name: (method, path, signed in). {plan} and {topic} are the demo person's plan and one of its topics.
# The toggle comes last: it ticks a topic, which the pages before it would otherwise show.
PAGES = {
    "healthz, anonymous": ("GET", "/healthz", False),
    "healthz, signed in": ("GET", "/healthz", True),
    "dashboard": ("GET", "/dashboard/", True),
    "today": ("GET", "/today/", True),
    "plan page": ("GET", "/plans/{plan}/", True),
    "calendar": ("GET", "/plans/{plan}/calendar/", True),
    "topic toggle": ("POST", "/topics/{topic}/toggle/", True),
}
ANONYMOUS = "healthz, anonymous"
BASELINE = "healthz, signed in"
# With many people in the database, a page's p99 may grow this much over a one-person database.
MAX_GROWTH = 1.25
# Issue 13's targets on this project's machine (2 cores, 16 connections): (what, page, figure, at least
# or under, value). A ratio is to the signed-in /healthz of the same run, except the baseline's own.
TARGETS = [
    ("signed-in /healthz, share of anonymous", BASELINE, "ratio_to_anonymous", ">=", 0.60),
    ("dashboard, share of baseline", "dashboard", "ratio_to_baseline", ">=", 0.25),
    ("dashboard p99 ms", "dashboard", "p99_ms", "<", 150),
    ("today, share of baseline", "today", "ratio_to_baseline", ">=", 0.25),
    ("today p99 ms", "today", "p99_ms", "<", 150),
    ("plan page, share of baseline", "plan page", "ratio_to_baseline", ">=", 0.10),
    ("calendar, share of baseline", "calendar", "ratio_to_baseline", ">=", 0.10),
    ("topic toggle, share of baseline", "topic toggle", "ratio_to_baseline", ">=", 0.30),
    ("plan creation, 3 Steps, median ms", "plan creation", "median_ms", "<", 300),
    ("plan creation, 3 Steps x 5 resources, median ms", "plan creation, 5 resources", "median_ms", "<", 300),
]


def production_env(port):
    return os.environ | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no TLS proxy in front here.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "BENCH_PORT": str(port),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed(env, users):
    """Seed the demo people (progress on stderr); returns the demo sign-in the command prints."""
    seeded = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--users", str(users), "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    print(seeded.strip())
    return re.search(r"Sign in as (\S+) / (\S+)", seeded).groups()


def wait_until_up(base_url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def sign_in(base_url, email, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": email, "password": password, "csrfmiddlewaretoken": token})
    opener.open(f"{base_url}/accounts/login/", data=form.encode())
    dashboard = opener.open(f"{base_url}/dashboard/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', dashboard).group(1)
    return {cookie.name: cookie.value for cookie in jar}, csrf


def inspect(env, email):
    """The demo person's page paths, and each page's SQL query counts, counted in-process on the same database:
    on a first visit (the plan's cached figures made stale first) and on the next, which finds them cached."""
    script = """
import json, sys, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from planner import figures
from planner.models import PlanTopic
email, pages = sys.argv[1], json.loads(sys.argv[2])
topic = PlanTopic.objects.filter(milestone__plan__owner__email=email).remaining().order_by("due_on").first()
ids = {"plan": topic.milestone.plan_id, "topic": topic.pk}
signed_in, anonymous = Client(HTTP_ACCEPT="application/json", SERVER_NAME="127.0.0.1"), Client(SERVER_NAME="127.0.0.1")
signed_in.force_login(topic.milestone.plan.owner)
paths, counts = {}, {}
for name, (method, path, with_session) in pages.items():
    paths[name] = path.format(**ids)
    client = signed_in if with_session else anonymous
    figures.bump(ids["plan"])
    counts[name] = []
    for visit in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(paths[name], {"done": "1"} if method == "POST" else None)
        assert response.status_code == 200, f"{name}: {paths[name]} answered {response.status_code}"
        counts[name].append(len(queries))
print(json.dumps({"paths": paths, "counts": counts}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, email, json.dumps(PAGES)],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "usmleprep.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout)


def run_wrk(url, *, seconds, connections, cookies, post_body=None):
    # A long timeout, so a slow page's latency is measured rather than dropped as a socket timeout.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items())]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if post_body:
            script.write(
                'wrk.method = "POST"\n'
                f"wrk.body = {json.dumps(post_body)}\n"
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                'wrk.headers["Accept"] = "application/json"\n'
            )
    command += ["-s", script.name, url]
    try:
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(output)


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)$", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit], 2)


def parse_wrk(output):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    distribution = output.split("Latency Distribution")[-1]
    p50 = to_ms(re.search(r"50%\s+(\S+)", distribution).group(1))
    p99 = to_ms(re.search(r"99%\s+(\S+)", distribution).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "requests_per_second": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def measure(base_url, env, options, email, password):
    """Sign the demo person in and load every page in turn."""
    cookies, csrf = sign_in(base_url, email, password)
    found = inspect(env, email)
    results = {}
    for name, (method, _, with_session) in PAGES.items():
        results[name] = run_wrk(
            f"{base_url}{found['paths'][name]}",
            seconds=options.seconds,
            connections=options.connections,
            cookies=cookies if with_session else None,
            post_body=urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "done": "1"}) if method == "POST" else None,
        )
        results[name]["sql_queries_first"], results[name]["sql_queries"] = found["counts"][name]
    baseline = results[BASELINE]["requests_per_second"]
    for figures in results.values():
        figures["ratio_to_baseline"] = round(figures["requests_per_second"] / baseline, 3)
    results[BASELINE]["ratio_to_anonymous"] = round(baseline / results[ANONYMOUS]["requests_per_second"], 3)
    return results


def time_plan_creation(env, count):
    """Median and p95 ms of creating a three-Step plan, and of giving it five resources per Step too
    (bench/plan_creation.py, in-process on the same database and cache)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "plan_creation.py"), "--plans", str(count), "--json"],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "usmleprep.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    timings = json.loads(result.stdout)
    return {
        "plan creation": spread(timings["created"]),
        "plan creation, 5 resources": spread(timings["with_resources"]),
    }


def spread(milliseconds):
    ordered = sorted(milliseconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"count": len(ordered), "median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def check_targets(results, creation):
    figures = results | creation
    checked = []
    for what, page, figure, sense, target in TARGETS:
        value = figures[page][figure]
        met = value >= target if sense == ">=" else value < target
        checked.append({"what": what, "measured": value, "target": f"{sense} {target}", "met": met})
    return checked


def print_targets(creation, checked):
    print(f"\nPlan creation, in-process{'':<22}{'median ms':>11}{'p95 ms':>9}{'count':>7}")
    for name, f in creation.items():
        print(f"{name:<48}{f['median_ms']:>11.1f}{f['p95_ms']:>9.1f}{f['count']:>7}")
    print(f"\nTargets (issue 13){'':<30}{'measured':>11}{'target':>10}")
    for line in checked:
        value = line["measured"]
        shown = f"{value:.1%}" if "share" in line["what"] else f"{value:.1f}"
        target = line["target"].split()
        target = f"{target[0]} {float(target[1]):.0%}" if "share" in line["what"] else line["target"]
        print(f"{line['what']:<48}{shown:>11}{target:>10}  {'PASS' if line['met'] else 'MISS'}")


def print_results(title, results):
    header = f"{'page':<20}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'ratio':>8}{'SQL 1st/cached':>16}"
    print(f"\n{title}\n{header}")
    for name, f in results.items():
        sql = f"{f['sql_queries_first']}/{f['sql_queries']}"
        print(
            f"{name:<20}{f['requests_per_second']:>9.1f}{f['p50_ms']:>9.1f}{f['p99_ms']:>9.1f}"
            f"{f['non_2xx']:>9}{f['ratio_to_baseline']:>8.1%}{sql:>16}"
        )


def compare(one, many, users):
    """Each page's p99 with many people against one person, from the same run."""
    growth = {
        name: round(many[name]["p99_ms"] / one[name]["p99_ms"], 2) if one[name]["p99_ms"] else None for name in many
    }
    print(f"\np99 ms with {users:,} people against one person (target: within {MAX_GROWTH}x)")
    for name, ratio in growth.items():
        verdict = "no requests completed" if ratio is None else "ok" if ratio <= MAX_GROWTH else "SLOWER"
        print(f"{name:<20}{one[name]['p99_ms']:>9.1f}{many[name]['p99_ms']:>9.1f}{ratio or 0:>7.2f}x  {verdict}")
    return growth


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="How long each page is loaded (default 10).")
    parser.add_argument("--connections", type=int, default=16, help="Concurrent connections (default 16).")
    parser.add_argument("--plans", type=int, default=20, help="Plans created to time plan creation (default 20).")
    parser.add_argument("--users", type=int, default=0, help="Then seed this many people and measure again.")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()

    env = production_env(options.port)
    base_url = f"http://{HOST}:{options.port}"
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_catalog")
    manage(env, "collectstatic", "--noinput", "-v0")
    sign_in_details = seed(env, 1)

    workers = 2 * (os.cpu_count() or 1)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "usmleprep.wsgi",
            "--bind",
            f"{HOST}:{options.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": os.environ.get("DATABASE_URL", "sqlite").split(":")[0],
        "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
        "cores": os.cpu_count(),
        "workers": workers,
        "connections": options.connections,
        "seconds_per_page": options.seconds,
    }
    try:
        wait_until_up(base_url)
        report["results"] = measure(base_url, env, options, *sign_in_details)
        print_results("One demo person", report["results"])
        report["plan_creation"] = time_plan_creation(env, options.plans)
        report["targets"] = check_targets(report["results"], report["plan_creation"])
        print_targets(report["plan_creation"], report["targets"])
        if options.users:
            started = time.monotonic()
            sign_in_details = seed(env, options.users)
            report["seed_seconds"] = round(time.monotonic() - started)
            report[f"results_{options.users}_people"] = many = measure(base_url, env, options, *sign_in_details)
            print_results(f"The demo person among {options.users:,} people", many)
            report["p99_growth"] = compare(report["results"], many, options.users)
    finally:
        server.terminate()
        server.wait(timeout=30)
        # What was measured, even when a later part failed (a seed of many people stopped, say).
        out_dir = ROOT / "bench" / "results"
        out_dir.mkdir(parents=True, exist_ok=True)
        out = out_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{report['database']}.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
