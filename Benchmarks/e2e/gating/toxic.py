"""Toxic flag threshold: Beer flagged (with the spam gating that keeps Beer's removals in budget) and held-out
civil sets, against recall on Davidson's held-back last fifth (fold-beer.wnm, toxic scored by the engine)."""
from evalall import *
import json
hb = [json.loads(l) for l in open(os.path.join(os.environ.get('GATING', '/tmp/winnow-gating'), 'runs/tox-heldback.score.ndjson'))]
lab = {json.loads(l)['id']: json.loads(l)['meta']['toxic'] == '1' for l in open(os.path.join(os.environ.get('GATING', '/tmp/winnow-gating'), 'tox-heldback.ndjson'))}
sc = [({r['category']: r['score'] for r in v['reasons'] if r['rule'] == 'classifier'}.get('toxic', 0), lab[v['id']]) for v in hb]
P = sum(l for _, l in sc); N = len(sc) - P
spam_gate = lambda: gates.SelfCal(h=0.8, h_link=0.9, first_k=2, est=1, q=0.001, minn=20)
def long_gate(L):  # toxic flag only for texts shorter than L
    return lambda row, st, t: t if row['len'] < L else 2
print('beer toxic score quantiles', [round(x, 4) for x in np.percentile([r['toxic'] for r in CIV['beer']], [90, 95, 98, 99, 99.5, 99.8])] if (np := __import__('numpy')) else '')
for t in (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 2):
    res = evaluate(spam_gate, tox=t, yt_models=())
    rec = sum(s >= t and l for s, l in sc) / P; fpr = sum(s >= t and not l for s, l in sc) / N
    c = []
    for k in ('beer', 'tg', 'dav0', 'dav1', 'ytham'):
        n, rm, fl = res[k] if k != 'ytham' else tuple(sum(res[f'ytham{i}'][j] for i in range(3)) for j in range(3))
        c.append(f"{k} {100*rm/n:.2f}/{100*fl/n:.2f}{'!' if rm > .005*n or fl > .02*n else ' '}")
    print(f"toxic flag {t}: " + ' | '.join(c) + f" | Davidson held-back recall {rec:.3f} (non-toxic above {100*fpr:.1f}%)")
# gated: toxic flag only on texts shorter than L (Davidson tweets are <= 140-ish; Beer answers are long)
hb_len = {json.loads(l)['id']: len(json.loads(l)['text']) for l in open(os.path.join(os.environ.get('GATING', '/tmp/winnow-gating'), 'tox-heldback.ndjson'))}
for L in (100, 140):
    for t in (0.9, 0.95, 0.98, 0.99):
        res = evaluate(spam_gate, tox=t, yt_models=(), tox_gate=long_gate(L))
        rec = sum(s >= t and l and hb_len[v['id']] < L for (s, l), v in zip(sc, hb)) / P
        c = []
        for k in ('beer', 'tg', 'dav0', 'dav1', 'ytham'):
            n, rm, fl = res[k] if k != 'ytham' else tuple(sum(res[f'ytham{i}'][j] for i in range(3)) for j in range(3))
            c.append(f"{k} {100*rm/n:.2f}/{100*fl/n:.2f}{'!' if rm > .005*n or fl > .02*n else ' '}")
        print(f"toxic flag {t} if len<{L}: " + ' | '.join(c) + f" | Davidson held-back recall {rec:.3f}")
