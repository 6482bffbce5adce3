#!/usr/bin/python3
"""The native triad measured independently of the harness (docs/benchmarks.md): torch.add(b, c, alpha=2, out=a),
copy and sum at 1e7 float32 on 1 and 2 threads, and NumPy, best and median of 30; GB/s at STREAM (12 B) and
write-allocate (16 B) bytes.   /usr/bin/python3 scripts/native-triad.py"""
import time, sys, torch, numpy as np
n = 10_000_000
def bench(f, reps=30):
    f(); f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[0], ts[len(ts)//2]
for th in (1, 2):
    torch.set_num_threads(th)
    a = torch.zeros(n); b = torch.ones(n); c = torch.full((n,), 0.5)
    best, med = bench(lambda: torch.add(b, c, alpha=2, out=a))
    print("torch add triad threads=%d best %.3f ms med %.3f ms  GB/s(12B) best %.1f med %.1f  GB/s(16B wa) best %.1f med %.1f" % (th, best*1e3, med*1e3, n*12/best/1e9, n*12/med/1e9, n*16/best/1e9, n*16/med/1e9))
    best, med = bench(lambda: a.copy_(b))
    print("torch copy threads=%d best %.3f ms med %.3f  GB/s(8B) %.1f/%.1f (12B wa) %.1f/%.1f" % (th, best*1e3, med*1e3, n*8/best/1e9, n*8/med/1e9, n*12/best/1e9, n*12/med/1e9))
    best, med = bench(lambda: b.sum())
    print("torch sum threads=%d best %.3f ms med %.3f  GB/s(4B) %.1f/%.1f" % (th, best*1e3, med*1e3, n*4/best/1e9, n*4/med/1e9))
a = np.zeros(n, np.float32); b = np.ones(n, np.float32); c = np.full(n, 0.5, np.float32); t = np.empty(n, np.float32)
def np_triad():
    np.multiply(c, 2, out=t); np.add(b, t, out=a)
best, med = bench(np_triad)
print("numpy triad (mul+add, 2 passes) best %.3f med %.3f ms; GB/s at 12B/elem %.1f/%.1f" % (best*1e3, med*1e3, n*12/best/1e9, n*12/med/1e9))
best, med = bench(lambda: np.add(b, c, out=a))
print("numpy add a=b+c best %.3f med %.3f ms; GB/s 12B %.1f/%.1f, 16B wa %.1f/%.1f" % (best*1e3, med*1e3, n*12/best/1e9, n*12/med/1e9, n*16/best/1e9, n*16/med/1e9))
print("torch", torch.__version__, "numpy", np.__version__)
