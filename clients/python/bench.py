"""Timing loop for the protocol's bench request (docs/protocol.md): the client times its own step loop,
so the pipe and the JSON are not measured. Standard library only."""

import time


def time_steps(step, request):
    """Calibrate a batch of steps to about sampleMs, warm up, then sample until the budget (timeMs) and
    the minimum count (minSamples) are both reached. Returns (milliseconds per step per sample, batch)."""
    step()
    t0 = time.perf_counter()
    step()
    once_ms = max((time.perf_counter() - t0) * 1e3, 1e-4)
    batch = max(1, min(100000, int(-(-request["sampleMs"] // once_ms))))
    warm_end = time.perf_counter() + min(100.0, request["timeMs"] / 4) / 1e3
    while True:
        for _ in range(batch):
            step()
        if time.perf_counter() >= warm_end:
            break
    samples = []
    end = time.perf_counter() + request["timeMs"] / 1e3
    while (len(samples) < request["minSamples"] or time.perf_counter() < end) and len(samples) < 10000:
        t0 = time.perf_counter()
        for _ in range(batch):
            step()
        samples.append((time.perf_counter() - t0) * 1e3 / batch)
    return samples, batch


def wanted(request, path):
    paths = request.get("paths")
    return paths is None or path in paths


def path_result(path, describe, threads, samples, batch, **extra):
    out = {"path": path, "describe": describe, "threads": threads, "device": "cpu", "samplesMs": samples, "stepsPerSample": batch}
    out.update(extra)
    return out
