"""Gatings of the classifier's actions, replayed over a stream of rows (data.py). A gate sees what a
real-time engine knows before judging a comment: the author's earlier comments and verdicts, first
seen time, the channel, links (and whether they point back to the channel), length, scores."""
import collections, bisect, random
from data import SEV, REM

class State:
    def __init__(self):
        self.n = collections.Counter(); self.removed = collections.Counter(); self.first = {}

class Plain:
    """hold from h, reject from r; optional per-kind thresholds: link (links not pointing back), long (len >= L)."""
    def __init__(self, h=0.8, r=0.99, h_link=None, h_long=None, L=10**9, first_k=None, first_k_link=None, h_est=None, raw_sign=False):
        self.raw_sign = raw_sign
        self.h, self.r, self.h_link, self.h_long, self.L = h, r, h_link, h_long, L
        self.first_k, self.first_k_link, self.h_est = first_k, first_k_link, h_est
    def thr(self, row, st):
        link = row['links'] > 0 and not row['back']
        h = self.h
        if link and self.h_link is not None: h = max(h, self.h_link)
        if row['len'] >= self.L and self.h_long is not None: h = max(h, self.h_long)
        k = self.first_k_link if (link and self.first_k_link is not None) else self.first_k
        if k is not None and st.n[row['author']] >= k:
            h = 2 if self.h_est is None else max(h, self.h_est)   # established authors: off (or a higher bar)
        return h
    def update(self, row, st, final): pass

class SelfCal(Plain):
    """Hold threshold raised to the (1-q) quantile of the last `win` spam scores of established authors'
    comments (>= est earlier comments, none removed) once minn are pooled; per channel or global;
    nolink: pool (and raise the bar of) only comments without links; base rules from Plain."""
    def __init__(self, est=1, q=0.001, minn=20, win=2000, scope='global', pool='all', cap=0.9999, **kw):
        super().__init__(**kw); self.est, self.q, self.minn, self.win, self.scope, self.pool, self.cap = est, q, minn, win, scope, pool, cap
        self.pools = collections.defaultdict(lambda: collections.deque(maxlen=win))
        self.sorted = collections.defaultdict(list)
    def key(self, row): return row['channel'] if self.scope == 'channel' else '*'
    def cal(self, row):
        s = self.sorted[self.key(row)]
        if len(s) < self.minn: return 0
        i = int(len(s) * (1 - self.q))
        return min(s[i] if i < len(s) else 1.0, self.cap)
    def thr(self, row, st):
        h = super().thr(row, st)
        link = row['links'] > 0 and not row['back']
        if self.pool == 'nolink' and link: return h
        return max(h, self.cal(row))
    def pooled(self, row, st):
        a = row['author']
        if st.n[a] < self.est or st.removed[a]: return False
        if self.pool == 'nolink' and row['links'] > 0 and not row['back']: return False
        return True
    def update(self, row, st, final):
        if self.pooled(row, st):
            k = self.key(row); d = self.pools[k]; s = self.sorted[k]
            if len(d) == d.maxlen:
                old = d[0]; s.pop(bisect.bisect_left(s, old))
            d.append(row['spam']); bisect.insort(s, row['spam'])

def run(rows, gate, tox=0.9, rej=0.99, tox_gate=None):
    raw = getattr(gate, 'raw_sign', False)
    """Returns per-row (final severity, excluded as profanity-only, classifier asked for something)."""
    st = State(); out = []
    for row in rows:
        h = gate.thr(row, st)
        s = row['spam']
        cls = 0
        if s >= h: cls = SEV['reject'] if s >= max(rej, h) else SEV['hold']
        t = tox if tox_gate is None else tox_gate(row, st, tox)
        if row['toxic'] >= t: cls = max(cls, SEV['flag'])
        sign = s >= 0.8 if raw else s >= max(h, 0.8)   # raw: the links/flood rules keep the engine's fixed spam sign
        oth, prof = (row['sig'], row['sigprof']) if sign else (row['off'], row['offprof'])
        final = max(oth, cls)
        excl = prof and cls == 0
        out.append((final, excl, cls))
        gate.update(row, st, final)
        a = row['author']
        if a not in st.first: st.first[a] = row['ts']
        st.n[a] += 1
        if final >= REM: st.removed[a] += 1
    return out

def civil(rows, res):
    n = rm = fl = 0
    for row, (f, excl, _) in zip(rows, res):
        if not row['keep']: continue
        n += 1
        if excl: continue
        rm += f >= REM; fl += f == 1
    return n, rm, fl

def spam(rows, res):
    tp = fp = fn = tn = 0
    for row, (f, _, _) in zip(rows, res):
        r = f >= REM; l = row['label']
        tp += r and l; fp += r and not l; fn += (not r) and l; tn += (not r) and not l
    return tp, fp, fn, tn

def prf(tp, fp, fn, tn):
    p = tp / (tp + fp) if tp + fp else 0; r = tp / (tp + fn) if tp + fn else 0
    return p, r, (2 * p * r / (p + r) if p + r else 0), fp / (fp + tn)
