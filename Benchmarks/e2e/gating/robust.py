"""Robustness of the self-calibrating threshold: 20% of the comments of 'established' authors (>= 1 earlier
comment, none removed) in the Beer stream replaced by spam (spam score, links, length of a random YouTube
spam comment as the two-video LOVO models score it). Recall on the injected spam, removal of the Beer rest."""
from evalall import *
import random
spam_pool = [r for k in range(3) for r in YT['e5'][k] if r['label']]
def poisoned(seed, frac=0.2):
    rnd = random.Random(seed); n = {}; out = []
    for r in CIV['beer']:
        a = r['author']; r = dict(r, label=False)
        if n.get(a, 0) >= 1 and rnd.random() < frac:
            s = rnd.choice(spam_pool)
            r.update(spam=s['spam'], links=s['links'], back=False, len=s['len'], label=True, off=0, offprof=False, sig=0, sigprof=False)
        n[a] = n.get(a, 0) + 1; out.append(r)
    return out
cands = [('plain 0.8', lambda: gates.Plain()),
         ('selfcal est1 q.001 minn20 (global)', lambda: gates.SelfCal(est=1, q=0.001, minn=20)),
         ('selfcal est2 q.001 minn20 (global)', lambda: gates.SelfCal(est=2, q=0.001, minn=20)),
         ('selfcal est1 q.001 minn20 pool nolink', lambda: gates.SelfCal(est=1, q=0.001, minn=20, pool='nolink')),
         ('h.8 link.9 (no selfcal)', lambda: gates.Plain(h=0.8, h_link=0.9)),
         ('h.8 link.9 first2 selfcal (ceiling combo)', lambda: gates.SelfCal(h=0.8, h_link=0.9, first_k=2, est=1, q=0.001, minn=20))]
for name, mk in cands:
    acc = [0, 0, 0, 0]; thr = []
    for seed in range(5):
        rows = poisoned(seed); g = mk(); out = gates.run(rows, g, tox=2)
        tp, fp, fn, tn = gates.spam(rows, out); acc = [a + b for a, b in zip(acc, (tp, fp, fn, tn))]
        if isinstance(g, gates.SelfCal): thr.append(g.cal(rows[-1]))
    tp, fp, fn, tn = acc
    print(f"{name:45s} injected spam recall {tp/(tp+fn):.3f}  Beer ham removed {100*fp/(fp+tn):.2f}%" + (f"  final calibrated bar {sum(thr)/len(thr):.4f}" if thr else ''))
print('-- cap of the calibrated bar at 0.99 --')
mk = lambda: gates.SelfCal(h=0.8, h_link=0.9, first_k=2, est=1, q=0.001, minn=20, cap=0.99)
res = evaluate(mk, tox=2, yt_models=('e5',)); line('ceiling combo, cap 0.99, clean', res)
for name, mk in [('selfcal est1 q.001 minn20 cap 0.99', lambda: gates.SelfCal(est=1, q=0.001, minn=20, cap=0.99)), ('ceiling combo cap 0.99', mk)]:
    acc = [0, 0, 0, 0]
    for seed in range(5):
        rows = poisoned(seed); out = gates.run(rows, mk(), tox=2); acc = [a + b for a, b in zip(acc, gates.spam(rows, out))]
    tp, fp, fn, tn = acc
    print(f"{name:45s} injected spam recall {tp/(tp+fn):.3f}  Beer ham removed {100*fp/(fp+tn):.2f}%")
