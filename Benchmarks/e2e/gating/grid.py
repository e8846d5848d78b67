"""Tune on Beer + YouTube fold 0 (Psy: its civil ham with the bundled-recipe fold, and LOVO fold 0)."""
from evalall import *
import itertools
TUNE_CIV = ('beer', 'ytham0')
def ok(res):
    return all(res[k][1] <= 0.005 * res[k][0] and res[k][2] <= 0.02 * res[k][0] for k in TUNE_CIV)
def score(res, m='e5'):
    p, r, f, fpr = gates.prf(*res[m][0]); return f, fpr
rows = []
for h, hl, first, L, hlong in itertools.product((0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99),
                                          (None, 0.95, 0.99, 2), (None, 1, 2, 3), (10**9, 150, 250), (0.95, 0.99, 2)):
    if L == 10**9 and hlong != 2: continue
    mk = lambda: gates.Plain(h=h, h_link=hl, first_k=first, L=L, h_long=hlong)
    res = evaluate(mk, tox=2, civ_sets=TUNE_CIV, yt_models=('e5', 'bundled'), yt_folds=(0,))
    rows.append((ok(res), score(res)[0], score(res, 'bundled')[0], h, hl, first, L, hlong, res['beer'], res['ytham0'], score(res)[1]))
rows.sort(key=lambda r: (-r[0], -r[1]))
for r in rows[:25]: print(r)
print('best infeasible:'); 
for r in sorted([r for r in rows if not r[0]], key=lambda r: -r[1])[:5]: print(r)
