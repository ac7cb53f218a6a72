"""Load benchmark: gunicorn run the production way, loaded with wrk, on 127.0.0.1 only.

Usage: make bench  (or: .venv/bin/python bench/run.py --seconds 10 --connections 16)

It seeds the database DATABASE_URL names, signs the demo account in, then loads /healthz (the
baseline), the dashboard, the plan page and the topic toggle in turn. It prints requests per second,
p50 and p99 latency, non-2xx responses, the ratio to the baseline and each page's SQL query count,
and writes the same as JSON under bench/results/. It stops every process it started.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
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
    cookies = {cookie.name: cookie.value for cookie in jar}
    dashboard = opener.open(f"{base_url}/dashboard/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', dashboard).group(1)
    return cookies, csrf


def query_counts(env, targets):
    """SQL queries per page, counted in-process against the same database."""
    script = """
import json, sys, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
targets = json.loads(sys.argv[1])
client = Client(HTTP_ACCEPT="application/json", SERVER_NAME="127.0.0.1")
client.force_login(User.objects.get(email=targets.pop("email")))
counts = {}
for name, (method, path, data) in targets.items():
    with CaptureQueriesContext(connection) as queries:
        getattr(client, method.lower())(path, data)
    counts[name] = len(queries)
print(json.dumps(counts))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(targets)],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "usmleprep.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def run_wrk(url, *, seconds, connections, cookies, post_body=None):
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie_header}"]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="How long each page is loaded (default 10).")
    parser.add_argument("--connections", type=int, default=16, help="Concurrent connections (default 16).")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()

    env = production_env(options.port)
    base_url = f"http://{HOST}:{options.port}"
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_catalog")
    manage(env, "collectstatic", "--noinput", "-v0")
    seeded = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--users", "1", "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(seeded.strip())
    demo_email, demo_password = re.search(r"Sign in as (\S+) / (\S+)", seeded).groups()

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
    try:
        wait_until_up(base_url)
        cookies, csrf = sign_in(base_url, demo_email, demo_password)
        dashboard = urllib.request.Request(
            f"{base_url}/dashboard/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        )
        page = urllib.request.urlopen(dashboard).read().decode()
        plan_path = re.search(r'href="(/plans/\d+/)"', page).group(1)
        toggle_path = re.search(r'formaction="(/topics/\d+/toggle/)"', page).group(1)
        toggle_body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "done": "1"})

        targets = {
            "healthz": ("GET", "/healthz", None),
            "dashboard": ("GET", "/dashboard/", None),
            "plan page": ("GET", plan_path, None),
            "topic toggle": ("POST", toggle_path, toggle_body),
        }
        counts = query_counts(
            env,
            {"email": demo_email}
            | {n: (m, p, {"done": "1"} if m == "POST" else None) for n, (m, p, _) in targets.items()},
        )
        results = {}
        for name, (method, path, body) in targets.items():
            results[name] = run_wrk(
                f"{base_url}{path}",
                seconds=options.seconds,
                connections=options.connections,
                cookies=cookies,
                post_body=body if method == "POST" else None,
            )
            results[name]["sql_queries"] = counts[name]
    finally:
        server.terminate()
        server.wait(timeout=30)

    baseline = results["healthz"]["requests_per_second"]
    for figures in results.values():
        figures["ratio_to_baseline"] = round(figures["requests_per_second"] / baseline, 3)

    print(f"\n{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'ratio':>8}{'SQL':>5}")
    for name, f in results.items():
        print(
            f"{name:<14}{f['requests_per_second']:>9.1f}{f['p50_ms']:>9.1f}{f['p99_ms']:>9.1f}"
            f"{f['non_2xx']:>9}{f['ratio_to_baseline']:>8.1%}{f['sql_queries']:>5}"
        )
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "cores": os.cpu_count(),
        "workers": workers,
        "connections": options.connections,
        "seconds_per_page": options.seconds,
        "results": results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{database}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
