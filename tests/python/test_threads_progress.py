# SPDX-License-Identifier: Apache-2.0
"""Checks release the GIL: two at once from Python threads give the reports they give alone,
and Python code runs while a check does. progress= is fed by the value scan."""
import subprocess
import threading
import time

import pytest

import ckptlint


def test_two_checks_at_once_from_threads(make):
    a = make("fuse-scale-mismatch/trigger.yaml")
    b = make("fuse-summary/trigger.yaml")
    alone = [a.api(config=False).to_json(), b.api(config=False).to_json()]
    results = [None, None]
    errors = []

    def run(i, m):
        try:
            for _ in range(3):
                results[i] = m.api(config=False).to_json()
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == alone


def test_python_runs_while_a_check_runs(fixture_tool, tmp_path):
    # 256 MB of dense BF16: a value scan long enough to see whether other threads run. With
    # the GIL held, the main thread would stand still for the whole check.
    subprocess.run([fixture_tool, "dense", str(tmp_path / "model.safetensors"), str(256 << 20)], check=True)
    span = []

    def run():
        start = time.monotonic()
        ckptlint.check(tmp_path, config=False, jobs=1)
        span.append(time.monotonic() - start)

    t = threading.Thread(target=run)
    longest_pause, last = 0.0, time.monotonic()
    t.start()
    while t.is_alive():
        now = time.monotonic()
        longest_pause, last = max(longest_pause, now - last), now
    t.join()
    if span[0] < 0.05:
        pytest.skip(f"the check took {span[0]:.3f} s: too short to tell")
    assert longest_pause < span[0] / 2, f"the main thread stood still {longest_pause:.3f} s of a {span[0]:.3f} s check"


def test_progress_is_fed_by_the_value_scan(fixture_tool, tmp_path):
    subprocess.run([fixture_tool, "dense", str(tmp_path / "model.safetensors"), str(64 << 20)], check=True)
    calls = []
    ckptlint.check(tmp_path, config=False, progress=lambda done, total: calls.append((done, total)))
    assert calls, "progress was never called"
    total = calls[-1][1]
    assert total == 64 << 20
    assert calls[-1] == (total, total)
    assert all(d <= t == total for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    calls.clear()
    ckptlint.check(tmp_path, config=False, values=False, progress=lambda d, t: calls.append((d, t)))
    assert calls == []  # no value scan, no progress


def test_a_progress_callback_that_raises_raises_after_the_check(fixture_tool, tmp_path):
    subprocess.run([fixture_tool, "dense", str(tmp_path / "model.safetensors"), str(1 << 20)], check=True)

    def stop(done, total):
        raise KeyboardInterrupt

    try:
        ckptlint.check(tmp_path, config=False, progress=stop)
    except KeyboardInterrupt:
        return
    raise AssertionError("the callback's exception was lost")
