import data, gates, sys, copy, pickle, os
import os
CACHE = os.path.join(os.environ.get('GATING', '/tmp/winnow-gating'), 'rows.pkl')
if os.path.exists(CACHE): CIV, YT = pickle.load(open(CACHE, 'rb'))
else:
    CIV = data.civil_sets(); YT = {m: [data.youtube(k, m) for k in range(3)] for m in ('e5', 'e10', 'bundled')}
    pickle.dump((CIV, YT), open(CACHE, 'wb'))

def evaluate(make, tox=0.9, civ_sets=None, yt_models=('e5', 'e10', 'bundled'), yt_folds=(0, 1, 2), tox_gate=None):
    """make(): a fresh gate. Returns dict: civil set -> (n, removed, flagged); model -> per-fold and pooled spam metrics."""
    res = {}
    for k in (civ_sets or CIV):
        rows = CIV[k]; out = gates.run(rows, make(), tox=tox, tox_gate=tox_gate); res[k] = gates.civil(rows, out)
    for m in yt_models:
        folds = []
        for k in yt_folds:
            rows = YT[m][k]; out = gates.run(rows, make(), tox=tox, tox_gate=tox_gate); folds.append(gates.spam(rows, out))
        res[m] = folds
    return res

def merge(res, a, b):
    return tuple(x + y for x, y in zip(res[a], res[b]))

def line(name, res):
    c = []
    for k in ('beer', 'tg', 'dav', 'ytham'):
        if k == 'dav' and 'dav0' in res: n, rm, fl = merge(res, 'dav0', 'dav1')
        elif k == 'ytham' and 'ytham0' in res: n, rm, fl = tuple(sum(res[f'ytham{i}'][j] for i in range(3)) for j in range(3))
        elif k in res: n, rm, fl = res[k]
        else: continue
        bad = '!' if rm > 0.005 * n or fl > 0.02 * n else ' '
        c.append(f"{k} {100*rm/n:.2f}/{100*fl/n:.2f}{bad}")
    for m in ('e5', 'e10', 'bundled'):
        if m not in res: continue
        fs = [gates.prf(*f) for f in res[m]]
        mf = sum(f[2] for f in fs) / len(fs); mfpr = sum(f[3] for f in fs) / len(fs)
        pooled = gates.prf(*[sum(x) for x in zip(*res[m])])
        c.append(f"{m} P{pooled[0]:.3f} R{pooled[1]:.3f} F1 {mf:.3f} (folds {' '.join(f'{f[2]:.3f}' for f in fs)}) FPR {100*mfpr:.1f}%")
    print(f"{name:42s} " + " | ".join(c))
