#!/usr/bin/env python3
"""NumPy peers of gdsweep for `npm run bench` (bench/run.mjs).

    python3 bench/peer.py vector '<grid json>'   all learning rates as one vector, one pass
    python3 bench/peer.py loop '<grid json>'     the course's way: one Python loop per grid cell

The grid: {"objective": "quadratic" | "course", "lr": [...] | {"geomspace": [a, b, n]},
"epochs": [...] | {"linspace": [a, b, n]}, "start": x0, "tolerance": tol, "bound": B,
"lr_sample": k (loop only: run every k-th learning rate)}.

Both compute what gdsweep computes for every run (SPEC section 3): x at each epoch budget,
the first epoch with |f'(x)| <= tol, the epoch where |x| first passed the bound (the track
stops there) and the class. They print one JSON line: compute seconds (imports and setup
excluded), steps done and class counts, which run.mjs checks against gdsweep's.

`vector` is the best NumPy version we know: one pass of max(epochs) iterations over an
array of all learning rates, in-place ufuncs, tracks that blew up dropped from the arrays,
the checks as one reduction each per step. `loop` is what the lesson does (a 1-element
array per run, one loop per (learning rate, epochs) cell); it is slow, so run.mjs gives
it a sample of the grid and extrapolates from its cost per step.
"""
import json
import sys
import time

import numpy as np

OSCILLATION_WINDOW = 3


def axis(spec):
    if isinstance(spec, list):
        return np.asarray(spec, dtype=float)
    if "geomspace" in spec:
        a, b, n = spec["geomspace"]
        return np.geomspace(a, b, int(n))
    if "linspace" in spec:
        a, b, n = spec["linspace"]
        return np.linspace(a, b, int(n))
    raise ValueError(f"unknown axis {spec}")


# f and f' as in-place ufunc sequences (out: result array; a, b: scratch arrays).
def quadratic_f(x):
    return 3 * x * x - 3 * x + 4


def quadratic_df(x, out, a, b):
    np.multiply(x, 6.0, out=out)
    np.subtract(out, 3.0, out=out)
    return out


def course_f(x):
    return np.sin(x) * np.exp(-0.05 * x * x)


def course_df(x, out, a, b):
    # f'(x) = exp(-x^2 / 20) * (cos(x) - x sin(x) / 10)
    np.multiply(x, x, out=a)
    np.multiply(a, -0.05, out=a)
    np.exp(a, out=a)
    np.sin(x, out=b)
    np.multiply(b, x, out=b)
    np.multiply(b, -0.1, out=b)
    np.cos(x, out=out)
    np.add(out, b, out=out)
    np.multiply(out, a, out=out)
    return out


OBJECTIVES = {"quadratic": (quadratic_f, quadratic_df), "course": (course_f, course_df)}


def classify(epochs, g, loss, loss0, g1, g2, div, tol):
    """SPEC section 3, vectorised over runs; returns class codes 0 converged, 1 slow, 2 divergent."""
    blew = (div >= 0) & (div <= epochs)
    conv = ~blew & (np.abs(g) <= tol)
    rose = ~blew & ~conv & (loss > loss0)
    out = np.ones(epochs.shape, dtype=np.int8)
    out[conv] = 0
    out[blew | rose] = 2
    return out


def vector(grid):
    f, df = OBJECTIVES[grid["objective"]]
    lr_all = axis(grid["lr"])
    epochs = np.round(axis(grid["epochs"])).astype(np.int64)
    tol = float(grid.get("tolerance", 1e-3))
    bound = float(grid.get("bound", 1e6))
    x0 = float(grid["start"])
    cps = sorted(set(int(e) for e in epochs))
    n = lr_all.size
    C = len(cps)

    t0 = time.perf_counter()
    # Per track (full arrays, indexed by track): outputs and the state of tracks that blew up.
    conv = np.full(n, -1, dtype=np.int64)
    div = np.full(n, -1, dtype=np.int64)
    dead_x = np.zeros(n)
    rec_x = np.empty((C, n))
    rec_g = np.empty((C, n))
    rec_g1 = np.full((C, n), np.nan)
    rec_g2 = np.full((C, n), np.nan)
    rec_conv = np.full((C, n), -1, dtype=np.int64)
    # Live tracks, compacted: their ids, x, lr, convergence threshold (tol, then -inf once converged).
    ids = np.arange(n)
    x = np.full(n, x0)
    lr = lr_all.copy()
    thr = np.full(n, tol)
    g = np.empty(n)
    g1 = np.full(n, np.nan)
    g2 = np.full(n, np.nan)
    tmp = np.empty(n)
    a = np.empty(n)
    b = np.empty(n)
    hit = np.empty(n, dtype=bool)
    if not abs(x0) <= bound:
        div[:] = 0
        dead_x[:] = x0
        ids = ids[:0]
        x, lr, thr, g, g1, g2, tmp, a, b, hit = (v[:0] for v in (x, lr, thr, g, g1, g2, tmp, a, b, hit))
    steps = 0
    t = 0
    for c, target in enumerate(cps):
        while t < target and ids.size:
            df(x, g, a, b)
            np.abs(g, out=tmp)
            np.less_equal(tmp, thr, out=hit)
            if hit.any():
                conv[ids[hit]] = t
                thr[hit] = -np.inf
            if t >= target - 2:  # f' one and two steps before the checkpoint
                g2, g1 = g1, g.copy()
            np.multiply(lr, g, out=tmp)
            np.subtract(x, tmp, out=x)
            steps += ids.size
            t += 1
            # One reduction per step: max |x| is NaN when any x is.
            if not np.abs(x, out=tmp).max() <= bound:
                bad = ~(tmp <= bound)
                div[ids[bad]] = t
                dead_x[ids[bad]] = x[bad]
                keep = ~bad
                ids, x, lr, thr, g1, g2 = ids[keep], x[keep], lr[keep], thr[keep], g1[keep], g2[keep]
                m = ids.size
                g, tmp, a, b, hit = g[:m], tmp[:m], a[:m], b[:m], hit[:m]
        # Checkpoint: every track's state at epoch `target` (tracks that blew up: where they did).
        rec_x[c] = dead_x
        rec_x[c, ids] = x
        gl = df(x, np.empty(ids.size), np.empty(ids.size), np.empty(ids.size))
        late = (conv[ids] < 0) & (np.abs(gl) <= tol)
        conv[ids[late]] = target
        thr[late] = -np.inf
        gd = df(dead_x, np.empty(n), np.empty(n), np.empty(n))
        rec_g[c] = gd
        rec_g[c, ids] = gl
        rec_g1[c, ids] = g1
        rec_g2[c, ids] = g2
        rec_conv[c] = conv
    seconds = time.perf_counter() - t0

    # Classify every run (lr x epochs) from its checkpoint.
    cp_of = {e: i for i, e in enumerate(cps)}
    counts = [0, 0, 0]
    loss0 = f(np.full(n, x0))
    for e in epochs:
        c = cp_of[int(e)]
        d = np.where((div >= 0) & (div <= e), div, -1)
        klass = classify(np.full(n, int(e)), rec_g[c], f(rec_x[c]), loss0, rec_g1[c], rec_g2[c], d, tol)
        for k in range(3):
            counts[k] += int((klass == k).sum())
    return {"seconds": seconds, "steps": int(steps), "runs": int(n * epochs.size), "counts": {"converged": counts[0], "slow": counts[1], "divergent": counts[2]}}


def loop(grid):
    """The lesson's code, once per grid cell, on a sample of the learning rates."""
    f_vec, _ = OBJECTIVES[grid["objective"]]
    if grid["objective"] == "quadratic":
        def deriv(x):
            return 6 * x - 3
    else:
        def deriv(x):
            return np.exp(-x**2 / 20) * (np.cos(x) - x * np.sin(x) / 10)
    lrs = axis(grid["lr"])[:: int(grid.get("lr_sample", 1))]
    epochs = np.round(axis(grid["epochs"])).astype(np.int64)
    tol = float(grid.get("tolerance", 1e-3))
    bound = float(grid.get("bound", 1e6))
    x0 = float(grid["start"])
    t0 = time.perf_counter()
    steps = 0
    runs = 0
    for learning_rate in lrs:
        for training_epochs in epochs:
            localmin = np.array([x0])  # np.random.choice(x, 1) in the lesson: a 1-element array
            converged_at = -1
            diverged_at = -1
            for i in range(int(training_epochs)):
                grad = deriv(localmin)
                if converged_at < 0 and abs(grad[0]) <= tol:
                    converged_at = i
                localmin = localmin - learning_rate * grad
                steps += 1
                if not abs(localmin[0]) <= bound:
                    diverged_at = i + 1
                    break
            runs += 1
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "steps": steps, "runs": runs, "ns_per_step": seconds * 1e9 / max(steps, 1)}


def main():
    mode, grid = sys.argv[1], json.loads(sys.argv[2])
    res = {"vector": vector, "loop": loop}[mode](grid)
    res["numpy"] = np.__version__
    print(json.dumps(res))


if __name__ == "__main__":
    main()
