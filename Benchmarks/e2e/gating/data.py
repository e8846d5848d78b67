"""Load every set as a stream of rows: classifier-off verdict, classifier scores, the other rules'
verdict when the spam score counts as a spam sign, and what a real-time engine knows."""
import json, csv, re, collections
import os
G = os.path.join(os.environ.get('GATING', '/tmp/winnow-gating'), 'runs'); P = os.environ.get('PRECISION', '/tmp/winnow-precision')
Y = os.path.join(os.environ.get('CORPUS', os.path.join(os.path.dirname(__file__), '../../../../shared/corpus')), 'youtube-spam-collection')
SEV = {'allow': 0, 'annotate': 0, 'flag': 1, 'censor': 2, 'hold': 3, 'reject': 4, 'timeout': 5, 'ban': 6}
NAME = {v: k for k, v in SEV.items() if k != 'annotate'}
REM = 3
ACTING = ('flag', 'censor', 'hold', 'reject', 'timeout', 'ban')
PROF = ('profanity', 'insult', 'slur')
VIDEOS = ['Youtube01-Psy', 'Youtube02-KatyPerry', 'Youtube03-LMFAO']
VID = ['9bZkp7q19f0', 'CevxZvSJLk8', 'KQ6zr6kCPj8']
URL = re.compile(r'(?i)(https?://\S+|www\.\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|ly|be|co|info|tk|us|me|io|gl|uk|de|ru|tv|biz|edu|gov)\b\S*)')

def other(v):
    """(action severity, acting reasons) of the rules other than the classifier, escalation included."""
    rs = [r for r in v['reasons'] if r['rule'] != 'classifier' and r.get('action') in ACTING and not r.get('dry_run')]
    a = max([SEV[r['action']] for r in rs], default=0)
    if v['action'] != 'flag' or any(r['rule'] != 'classifier' for r in v['reasons']):
        a = max(a, SEV.get(v['action'], 0)) if not (v['action'] == 'flag' and not rs) else a
    prof = bool(rs) and all(r['rule'] == 'stopword' and r.get('category') in PROF for r in rs)
    return a, prof

def links_of(text, channel):
    urls = URL.findall(text or '')
    back = bool(urls) and all(re.search(r'(?<![A-Za-z0-9_-])' + re.escape(channel) + r'(?![A-Za-z0-9_-])', u)
                              for u in urls) if channel and len(channel) >= 6 else False
    return len(urls), back

def build(events, off, score, keep=None, labels=None):
    rows = []
    for i, (e, o, s) in enumerate(zip(events, off, score)):
        assert o['id'] == s['id'] == e['id'], (o['id'], s['id'], e['id'])
        sc = {r['category']: r['score'] for r in s['reasons'] if r['rule'] == 'classifier'}
        oa, oprof = other(o); sa, sprof = other(s)
        nl, back = links_of(e['text'], e['channel'])
        rows.append(dict(id=e['id'], author=e['author'], channel=e['channel'], ts=e['ts'], text=e['text'],
                         len=len(e['text'] or ''), links=nl, back=back,
                         spam=sc.get('spam', 0.0), toxic=sc.get('toxic', 0.0),
                         off=oa, offprof=oprof, sig=sa, sigprof=sprof,
                         keep=True if keep is None else keep(e), label=None if labels is None else labels.get(e['id'])))
    return rows

def jl(path): return [json.loads(l) for l in open(path, encoding='utf-8')]

def civil_sets():
    out = {}
    out['beer'] = build(jl(f'{P}/civil-beer.ndjson'), jl(f'{G}/beer.off.ndjson'), jl(f'{G}/beer.score.ndjson'))
    out['tg'] = build(jl(f'{P}/civil-tg-ham.ndjson'), jl(f'{G}/tg.off.ndjson'), jl(f'{G}/tg.score.ndjson'))
    dv = jl(f'{P}/civil-davidson-neither.ndjson')
    for k in (0, 1):
        seen = {json.loads(l)['text'] for l in open(f'{P}/fold-davidson{k}-toxic.ndjson')}
        out[f'dav{k}'] = build(dv, jl(f'{G}/dav{k}.off.ndjson'), jl(f'{G}/dav{k}.score.ndjson'),
                               keep=lambda e, seen=seen: e['text'] not in seen)
    yh = jl(f'{P}/civil-youtube-ham-Youtube01-Psy.ndjson')
    for k, v in enumerate(VIDEOS):
        out[f'ytham{k}'] = build(yh, jl(f'{G}/ytham-{v}.off.ndjson'), jl(f'{G}/ytham-{v}.score.ndjson'),
                                 keep=lambda e, c=VID[k]: e['channel'] == c)
    return out

def youtube(k, model):
    """Video k's whole file in replay order; model: 'e5', 'e10' (two-video LOVO) or 'bundled'."""
    lab, ev = {}, {}
    for r in csv.DictReader(open(f'{Y}/{VIDEOS[k]}.csv', encoding='utf-8')):
        lab[r['COMMENT_ID']] = r['CLASS'] == '1'
        ev[r['COMMENT_ID']] = dict(id=r['COMMENT_ID'], author=r['AUTHOR'], channel=VID[k], ts=r['DATE'], text=r['CONTENT'])
    off = jl(f'{G}/yt{k}.off.ndjson')
    sc = jl(f'{G}/yt{k}.score-{"bundled" if model == "bundled" else f"f{k}-{model}"}.ndjson')
    events = [ev[v['id']] for v in off]
    return build(events, off, sc, labels=lab)
