"""Not a tuned pick: the best mean LOVO F1 (e5) among combined gatings that keep Beer, tg and Davidson
within budget (YouTube ham left to #20's 3%), to show the ceiling."""
from candidates import *
out = []
for p in grid(h=(0.8, 0.85), h_link=(0.9, 0.95, 0.99, 2), first_k=(None, 1, 2, 3), est=(1, 2), q=(0.001, 0.005), minn=(20,),
              pool=('all', 'nolink'), raw_sign=(False, True)):
    res = evaluate(lambda: gates.SelfCal(**p), tox=2, civ_sets=('beer', 'tg', 'dav0', 'dav1'), yt_models=('e5',))
    ok = all(res[k][1] <= 0.005 * res[k][0] and res[k][2] <= 0.02 * res[k][0] for k in ('beer', 'tg'))
    ok = ok and res['dav0'][1] + res['dav1'][1] <= 0.005 * 4163
    fs = [gates.prf(*f) for f in res['e5']]
    out.append((ok, sum(f[2] for f in fs) / 3, sum(f[3] for f in fs) / 3, p, res['beer'][1], res['tg'][1]))
out.sort(key=lambda r: (-r[0], -r[1]))
for r in out[:8]: print(r)
