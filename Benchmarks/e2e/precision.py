#!/usr/bin/env python3
"""Precision of the built-in policy on real comments: the budget of the precision issue, measured.

Runs the real `winnow filter` (bundled wordlists, event time, no audit trail) on:

  1. Civil text: the Beer Stack Exchange comments, the YouTube Spam Collection ham rows, tg-spam's
     ham samples and Davidson et al.'s "neither" tweets, each replayed with realistic authors and
     times (a source's own authors and dates where it has them; otherwise a chat: Zipf-distributed
     authors, Poisson arrivals one every ~6 s, one channel), with the built-in policy. Counts per
     action and per rule, with and without real profanity (events whose only non-allow reasons
     are stop words of a profanity, insult or slur list), which is listed separately.
  2. `repeat` alone (every other window rule off) on N pairs of distinct real comments by one
     fresh author 10 s apart, and on near-copies (one word changed, an emoji added, upper case,
     a word added, punctuation or numbers added).
  3. `flood` on a workload of ../shared/tools/make_workload.py with injected campaigns (--truth).
  4. Spam: the three YouTube Spam Collection files through `winnow replay` (as evaluate.py does):
     precision, recall, F1, false-positive rate on ham.

The classifier (when the policy turns it on) never judges a comment it learned: every run uses a
model trained as scripts/build-model.sh trains the bundled one, without the judged comments'
source (Beer, tg-spam), video (YouTube) or half of the file (Davidson): `fold_models`.

and writes the tables and the budget lines (PASS/FAIL) to a Markdown file. Standard library only;
it never builds: it uses the binary given by --winnow as it is. Deterministic (fixed seeds).

Usage (from the repository root; needs ../shared/corpus and ../shared/tools):
  python3 Benchmarks/e2e/precision.py [--winnow .build/release/winnow] [--pairs 100000]
                                      [--out Benchmarks/results/precision.md]
"""
import argparse
import bisect
import collections
import csv
import datetime
import glob
import html
import json
import os
import random
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REMOVE = ("hold", "reject", "timeout", "ban")
ACTING = ("flag", "censor", "hold", "reject", "timeout", "ban")  # reason actions that are not "allow"
PROFANITY_CATEGORIES = ("profanity", "insult", "slur")            # what the lists exist to catch
BUCKETS = (("0 (no words)", 0, 0), ("1–2", 1, 2), ("3–4", 3, 4), ("5–7", 5, 7), ("8–15", 8, 15),
           ("16+", 16, 10 ** 9))
EMOJI = ["😂", "🔥", "❤️", "👍", "🙏", "😍", "🤣", "😊", "🎉", "👀"]
PUNCT = ["!", "!!!", "?", "...", " :)", " 2", " 100%", " #1", " (x2)", " 10/10"]

# The figures "today" (the binary at commit 99ae4ed, measured 2026-12-06 by this script with its
# defaults): the issue asks to keep catching at least as much. Spam: the issue's own figures
# (Benchmarks/results/evaluation.md): 324 of 586 spam caught, 92 ham not allowed.
BASELINE = {
    "commit": "99ae4ed",
    # kind -> (caught, pairs), with --near 2000 --seed 1
    "near_copy": {"one word changed": (1953, 2000), "emoji added": (2000, 2000), "upper-cased": (2000, 2000),
                  "word added": (1997, 2000), "punctuation/number added": (2000, 2000)},
    # (campaign copies with a flood reason, campaign copies), with --flood-events 200000
    "flood": (3427, 4000),
    "spam": {"tp": 324, "fp": 92, "fn": 262},
}


URL_OR_MENTION = re.compile(r"https?://\S+|www\.\S+|@\w+", re.I)


def word_tokens(text):
    """Lower-cased alphanumeric words, links and @mentions left out (Winnow's sketch ignores
    @mentions; a shared link is not a shared word)."""
    return re.findall(r"[^\W_]+", URL_OR_MENTION.sub(" ", text.lower()))


def bucket_of(n):
    for name, lo, hi in BUCKETS:
        if lo <= n <= hi:
            return name
    return BUCKETS[-1][0]


def epoch(iso):
    d = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def short(text, n=100):
    t = " ".join(text.split())
    t = t if len(t) <= n else t[: n - 1] + "…"
    return t.replace("|", "\\|").replace("`", "'")


def pct(x, digits=2):
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def ratio(a, b):
    return a / b if b else None


# ---------------------------------------------------------------------------- running winnow

class Winnow:
    def __init__(self, binary, work, policy=None):
        """`policy`: the policy file of every run that names none (default: the built-in one)."""
        self.binary, self.work, self.policy = binary, work, policy

    def filter(self, name, events, policy=None, model=None):
        """Writes the events (already in time order) to NDJSON, runs `winnow filter` (with the
        classifier model `model` when given), returns the verdicts in input order (checked
        against the ids)."""
        src, dst = f"{self.work}/{name}.ndjson", f"{self.work}/{name}.verdicts.ndjson"
        with open(src, "w", encoding="utf-8") as fh:
            for e in events:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
        cmd = [self.binary, "filter", "--clock", "event", "--no-audit", "--wordlists", f"{ROOT}/Wordlists"]
        if policy or self.policy:
            cmd += ["--policy", policy or self.policy]
        if model:
            cmd += ["--model", model]
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            subprocess.run(cmd, stdin=fin, stdout=fout, check=True, cwd=ROOT)
        verdicts = [json.loads(line) for line in open(dst, encoding="utf-8")]
        assert len(verdicts) == len(events), (name, len(verdicts), len(events))
        for e, v in zip(events, verdicts):
            assert v.get("id") == e["id"], (name, e["id"], v.get("id"))
            if v["action"] == "error":
                raise SystemExit(f"{name}: error verdict for {e['id']}: {v.get('error')}")
        return verdicts


# ---------------------------------------------------------------------------- corpus readers

def read_beer(corpus):
    out = []
    for row in ET.parse(f"{corpus}/stackexchange-beer-comments/Comments.xml").getroot():
        text = row.get("Text") or ""
        if not text.strip():
            continue
        author = ("se-user" + row.get("UserId")) if row.get("UserId") else ("se-name:" + (row.get("UserDisplayName") or "?"))
        out.append({"id": "se" + row.get("Id"), "author": author, "channel": "beer/post" + row.get("PostId"),
                    "ts": epoch(row.get("CreationDate")), "text": text})
    return out


# The videos of the YouTube Spam Collection files, by their ids: an integration sends the video's
# id as the channel, and a link to the video itself (a fan sharing it, a timestamp) names it.
VIDEO_IDS = {"Youtube01-Psy": "9bZkp7q19f0", "Youtube02-KatyPerry": "CevxZvSJLk8",
             "Youtube03-LMFAO": "KQ6zr6kCPj8"}


def read_youtube(corpus, klass=None):
    out = []
    for path in sorted(glob.glob(f"{corpus}/youtube-spam-collection/Youtube0*.csv")):
        video = os.path.basename(path)[:-4]
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if klass is not None and row["CLASS"] != klass:
                    continue
                text = html.unescape(row["CONTENT"])  # as `winnow replay` decodes them
                if not text.strip():
                    continue
                out.append({"id": row["COMMENT_ID"], "author": row["AUTHOR"] or "?", "channel": VIDEO_IDS[video],
                            "ts": epoch(row["DATE"]), "text": text, "_class": row["CLASS"], "_video": video})
    return out


def read_lines(path):
    with open(path, encoding="utf-8") as fh:
        return [t.strip() for t in fh.read().split("\n") if t.strip()]


def read_davidson(corpus, klass=None, indexed=False):
    """The tweets' texts; `indexed`: (the file's row index, text) pairs."""
    with open(f"{corpus}/davidson-hate-offensive/data/labeled_data.csv", newline="", encoding="utf-8") as fh:
        rows = [(int(row[""]), html.unescape(row["tweet"])) for row in csv.DictReader(fh)
                if (klass is None or row["class"] == klass) and row["tweet"].strip()]
    return rows if indexed else [text for _, text in rows]


def read_mlma(corpus):
    with open(f"{corpus}/mlma-hate-speech-fr/hate_speech_mlma/fr_dataset.csv", newline="", encoding="utf-8") as fh:
        return [row["tweet"] for row in csv.DictReader(fh) if row["tweet"].strip()]


def as_chat(texts, prefix, channel, start, rnd, mean_gap=6.0, zipf_s=1.0, authors_per_comment=1 / 3):
    """Texts without authors or times, spread like a chat: authors Zipf(s) over a pool of a third
    as many authors as comments (a few regulars, a long tail of one-off posters), Poisson arrivals
    with a mean gap of `mean_gap` seconds, one channel, in the source's order."""
    k = max(20, int(len(texts) * authors_per_comment))
    cum, acc = [], 0.0
    for r in range(1, k + 1):
        acc += 1.0 / r ** zipf_s
        cum.append(acc)
    order = list(range(1, k + 1))
    rnd.shuffle(order)  # the author's name does not reveal the rank
    t, out = float(start), []
    for i, text in enumerate(texts):
        t += rnd.expovariate(1.0 / mean_gap)
        rank = bisect.bisect_left(cum, rnd.random() * cum[-1])
        out.append({"id": f"{prefix}{i + 1}", "author": f"{prefix}-u{order[rank]}", "channel": channel,
                    "ts": round(t, 3), "text": text})
    return out, k


# ---------------------------------------------------------------------------- 1. civil sets

def acting_reasons(v):
    return [r for r in v["reasons"] if r.get("action") in ACTING and not r.get("dry_run")]


def profanity_only(v):
    """Not allowed only because of stop words of profanity, insult or slur lists."""
    acting = acting_reasons(v)
    return v["action"] != "allow" and bool(acting) and all(
        r["rule"] == "stopword" and r.get("category") in PROFANITY_CATEGORIES for r in acting)


def reason_detail(r):
    if r["rule"] == "stopword":
        return f"{r.get('list')} `{r.get('term')}` → \"{short(r.get('match', ''), 40)}\" ({r.get('action')})"
    bits = [r.get("action") or "no action"]
    for key in ("limit", "count", "message"):
        if key in r:
            bits.append(f"{key} {short(str(r[key]), 80)}")
    return ", ".join(bits)


def reason_kind(r):
    """What a reason of a window rule is about, numbers left out: `new authors: 10m`, `a link shortener`."""
    if r["rule"] == "stopword":
        return f"{r.get('list')} ({r.get('action')})"
    text = r.get("limit") or r.get("message") or ""
    if r["rule"] in ("links", "repeat", "noise", "flood") and r.get("message"):
        text = (r.get("limit", "") + ": " if r.get("limit") else "") + r["message"]
    text = re.sub(r"\d+(\.\d+)?(ms|s|m|h)?\b", "N", text)
    return re.sub(r"\(N of N sketch values equal\) ", "", text)[:70]


def civil_stats(events, verdicts):
    s = {"events": len(events), "actions": collections.Counter(), "actions_excl": collections.Counter(),
         "profanity": [], "rules": {}, "lists": collections.Counter(), "flood": 0, "phantom_repeat": []}
    last_seen = {}  # author -> time of the author's previous comment
    for e, v in zip(events, verdicts):
        a = v["action"]
        for r in v["reasons"]:
            # a repeat although the author wrote nothing within the window (1m built in)
            if r["rule"] == "repeat" and not (e["author"] in last_seen and e["ts"] - last_seen[e["author"]] <= 60):
                s["phantom_repeat"].append((e, r, e["ts"] - last_seen[e["author"]] if e["author"] in last_seen else None))
        last_seen[e["author"]] = e["ts"]
        s["actions"][a] += 1
        apart = profanity_only(v)
        if apart:
            s["profanity"].append((e, v))
        else:
            s["actions_excl"][a] += 1
        seen = {}
        for r in v["reasons"]:
            seen.setdefault(r["rule"], r)
            if r["rule"] == "stopword":
                s["lists"][r.get("list")] += 1
        for rule, r in seen.items():
            st = s["rules"].setdefault(rule, {"events": 0, "removed": 0, "flagged": 0, "censored": 0, "allowed": 0,
                                              "apart": 0, "kinds": collections.Counter(), "examples": [], "others": []})
            st["events"] += 1
            st["removed"] += a in REMOVE
            st["flagged"] += a == "flag"
            st["censored"] += a == "censor"
            st["allowed"] += a == "allow"
            st["apart"] += apart
            st["kinds"].update({reason_kind(x) for x in v["reasons"] if x["rule"] == rule})
            # examples: first what counts against the budget, then the rest
            target = st["examples"] if (a != "allow" and not apart) else st["others"]
            if len(target) < 5:
                target.append((e, v, r))
        s["flood"] += "flood" in seen
    for st in s["rules"].values():
        st["examples"] = (st["examples"] + st.pop("others"))[:5]
    for key in ("actions", "actions_excl"):
        c = s[key]
        n = sum(c.values())
        c["_removed"] = sum(c[x] for x in REMOVE)
        c["_n"] = n
    return s


def run_civil(winnow, corpus, seed, models):
    rnd = random.Random(seed)
    sets = []
    beer = sorted(read_beer(corpus), key=lambda e: e["ts"])
    sets.append(("Beer Stack Exchange comments", "beer", beer,
                 f"own user ids (deleted accounts: their display name) and creation dates; channel = post "
                 f"({len({e['author'] for e in beer})} authors, {len({e['channel'] for e in beer})} posts)"))
    ham = sorted(read_youtube(corpus, "0"), key=lambda e: e["ts"])
    for e in ham:
        e.pop("_class")
    sets.append(("YouTube Spam Collection ham rows (3 files)", "youtube-ham", ham,
                 f"own AUTHOR and DATE; channel = the video's id ({len({e['author'] for e in ham})} authors)"))
    tg = read_lines(f"{corpus}/tg-spam/data/ham-samples.txt")
    tg_events, k = as_chat(tg, "tg", "tg-chat", epoch("2024-03-01T12:00:00Z"), rnd)
    sets.append(("tg-spam ham samples", "tg-ham", tg_events,
                 f"as a chat: {k} authors (Zipf 1.0), Poisson arrivals one per 6 s on average, one channel"))
    dav = read_davidson(corpus, "2", indexed=True)
    rnd.shuffle(dav)  # the file is sorted alphabetically: near-identical tweets would arrive together
    dav_events, k = as_chat([text for _, text in dav], "dv", "dv-chat", epoch("2024-03-02T12:00:00Z"), rnd)
    for e, (index, _) in zip(dav_events, dav):
        e["_row"] = index
    sets.append(('Davidson et al. "neither" tweets', "davidson-neither", dav_events,
                 f"as a chat: {k} authors (Zipf 1.0), Poisson arrivals one per 6 s on average, one channel"))
    results = []
    for title, name, events, how in sets:
        verdicts = filter_by_fold(winnow, "civil-" + name, events, models)
        results.append((title, name, how, civil_stats(events, verdicts)))
    return results


# ---------------------------------------------------------------------------- classifier folds

DAVIDSON_ROWS = 25_297  # labeled_data.csv's row indices run 0…25,296; two folds by the file's order


def fold_of(event):
    """Which fold model judges a civil or spam event: one trained without that event's source
    (Beer, tg-spam), its video (YouTube) or its half of the file (Davidson)."""
    eid = event["id"]
    if eid.startswith("se"):
        return "beer"
    if eid.startswith("tg"):
        return "tg"
    if "_row" in event:
        return f"davidson{int(event['_row'] >= DAVIDSON_ROWS // 2)}"
    return event["_video"]


def fold_models(winnow, corpus, work):
    """The classifier models the runs use: for each fold, the bundled model's training
    (scripts/model_data.py, trained as scripts/build-model.sh does) without the fold's rows, so
    that no comment is judged by a model that learned it. Returns {fold: model path}."""
    data = f"{work}/model-data"
    subprocess.run(["python3", f"{ROOT}/scripts/model_data.py", data], check=True)
    videos = {}
    for e in read_youtube(corpus):
        videos.setdefault(e["_video"], set()).add("yt-" + e["id"])
    excluded = {
        "beer": lambda rid: rid.startswith("se-"),
        "tg": lambda rid: rid.startswith("tg-"),
        "davidson0": lambda rid: rid.startswith("dv-") and int(rid[3:]) < DAVIDSON_ROWS // 2,
        "davidson1": lambda rid: rid.startswith("dv-") and int(rid[3:]) >= DAVIDSON_ROWS // 2,
    }
    for video, ids in videos.items():
        excluded[video] = lambda rid, ids=ids: rid in ids
    models = {}
    for fold, leave_out in excluded.items():
        for label in ("toxic", "spam"):
            with open(f"{data}/{label}.ndjson", encoding="utf-8") as fin, \
                    open(f"{work}/fold-{fold}-{label}.ndjson", "w", encoding="utf-8") as fout:
                for line in fin:
                    if not leave_out(json.loads(line)["id"]):
                        fout.write(line)
        toxic, spam = f"{work}/fold-{fold}-toxic.wnm", f"{work}/fold-{fold}.wnm"
        subprocess.run([winnow.binary, "train", f"{work}/fold-{fold}-toxic.ndjson", "--label", "meta.toxic",
                        "--positive", "1", "--negative", "0", "--label-name", "toxic", "--holdout", "0.18528",
                        "--out", toxic, "--force"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([winnow.binary, "train", f"{work}/fold-{fold}-spam.ndjson", "--label", "meta.spam",
                        "--positive", "1", "--negative", "0", "--label-name", "spam", "--holdout", "0.0289",
                        "--merge", toxic, "--out", spam, "--force"], check=True, stdout=subprocess.DEVNULL)
        models[fold] = spam
    return models


def filter_by_fold(winnow, name, events, models):
    """`winnow.filter` of all the events once per fold model among them; each event's verdict
    comes from the run with its own fold's model (the other events keep the channel's and the
    authors' state as it would be)."""
    folds = sorted({fold_of(e) for e in events})
    runs = {f: winnow.filter(name if len(folds) == 1 else f"{name}-{f}", strip(events), model=models[f])
            for f in folds}
    return [runs[fold_of(e)][i] for i, e in enumerate(events)]


def strip(events):
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in events]


# ---------------------------------------------------------------------------- 2. repeat

def repeat_pool(corpus):
    pool = []  # (source, text, tokens)
    sources = [
        ("beer", [e["text"] for e in read_beer(corpus)]),
        ("youtube", [e["text"] for e in read_youtube(corpus)]),
        ("davidson", read_davidson(corpus)),
        ("tg-spam", read_lines(f"{corpus}/tg-spam/data/ham-samples.txt")
         + read_lines(f"{corpus}/tg-spam/data/spam-samples.txt")),
        ("mlma-fr", read_mlma(corpus)),
    ]
    for source, texts in sources:
        for t in texts:
            pool.append((source, t, word_tokens(t)))
    return pool


def distinct(a, b):
    if a[1].strip().lower() == b[1].strip().lower():
        return False
    sa, sb = set(a[2]), set(b[2])
    if not sa and not sb:
        return False
    return len(sa & sb) / len(sa | sb) < 0.5


REPEAT_ONLY = """# Benchmarks/e2e/precision.py: every window rule off except repeat (repeat as built in).
rate_limits: {author: off, author_channel: off, channel: off}
slow_mode: {interval: 0s}
flood: {enabled: false}
raid: {enabled: false}
links: {enabled: false}
noise: {enabled: false}
escalation: {enabled: false}
repeat: {enabled: true}
"""


def replaceable(parts):
    return [i for i, p in enumerate(parts) if any(c.isalpha() for c in p) and not URL_OR_MENTION.match(p)]


def variant(kind, text, tokens, vocab, rnd):
    if kind == "one word changed":
        parts = text.split()
        idx = replaceable(parts)
        i = rnd.choice(idx)
        have = set(tokens)
        w = rnd.choice(vocab)
        while w in have:
            w = rnd.choice(vocab)
        parts[i] = w
        return " ".join(parts)
    if kind == "emoji added":
        return text + " " + rnd.choice(EMOJI)
    if kind == "upper-cased":
        return text.upper()
    if kind == "word added":
        parts = text.split()
        have = set(tokens)
        w = rnd.choice(vocab)
        while w in have:
            w = rnd.choice(vocab)
        parts.insert(rnd.randint(0, len(parts)), w)
        return " ".join(parts)
    if kind == "punctuation/number added":
        return text + rnd.choice(PUNCT)
    raise ValueError(kind)


NEAR_KINDS = ("one word changed", "emoji added", "upper-cased", "word added", "punctuation/number added")


def run_repeat(winnow, corpus, work, n_pairs, n_near, seed):
    rnd = random.Random(seed + 2)
    policy = f"{work}/repeat-only.yaml"
    with open(policy, "w") as fh:
        fh.write(REPEAT_ONLY)
    subprocess.run([winnow.binary, "config", "check", policy, "--wordlists", f"{ROOT}/Wordlists"], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)
    pool = repeat_pool(corpus)
    by_source = collections.defaultdict(list)
    for i, p in enumerate(pool):
        by_source[p[0]].append(i)
    t0 = epoch("2020-01-01T00:00:00Z")

    # distinct pairs: A uniform over every comment, B uniform over the comments of the same source
    pairs, rejected = [], 0
    while len(pairs) < n_pairs:
        a = rnd.randrange(len(pool))
        b = rnd.choice(by_source[pool[a][0]])
        if distinct(pool[a], pool[b]):
            pairs.append((a, b))
        else:
            rejected += 1
    events = []
    for i, (a, b) in enumerate(pairs):
        t = t0 + 1000.0 * i
        events.append({"id": f"a{i}", "author": f"pair{i}", "channel": "pairs", "ts": t, "text": pool[a][1]})
        events.append({"id": f"b{i}", "author": f"pair{i}", "channel": "pairs", "ts": t + 10, "text": pool[b][1]})
    verdicts = winnow.filter("repeat-pairs", events, policy)
    per_bucket = collections.defaultdict(lambda: [0, 0])
    per_source = collections.defaultdict(lambda: [0, 0])
    fired, a_fired = [], 0
    for i, (a, b) in enumerate(pairs):
        va, vb = verdicts[2 * i], verdicts[2 * i + 1]
        a_fired += any(r["rule"] == "repeat" for r in va["reasons"])
        hit = [r for r in vb["reasons"] if r["rule"] == "repeat"]
        bk = bucket_of(len(pool[b][2]))
        per_bucket[bk][0] += 1
        per_source[pool[a][0]][0] += 1
        if hit:
            per_bucket[bk][1] += 1
            per_source[pool[a][0]][1] += 1
            sa, sb = set(pool[a][2]), set(pool[b][2])
            fired.append((pool[a], pool[b], len(sa & sb) / max(1, len(sa | sb)), hit[0]))
    pairs_result = {"pairs": n_pairs, "rejected": rejected, "per_bucket": per_bucket, "per_source": per_source,
                    "fired": fired, "a_fired": a_fired}

    # near-copies: A of at least 3 words and a variant of it
    vocab_by_source = {}
    for source, idx in by_source.items():
        freq = collections.Counter(w for i in idx for w in pool[i][2])
        vocab_by_source[source] = sorted(w for w, c in freq.items() if c >= 3 and w.isalpha() and 2 <= len(w) <= 15)
    long_enough = [i for i, p in enumerate(pool) if len(p[2]) >= 3 and replaceable(p[1].split())]
    near, events = [], []
    t1 = t0 + 1000.0 * (n_pairs + 10)
    for kind in NEAR_KINDS:
        for _ in range(n_near):
            a = rnd.choice(long_enough)
            src = pool[a]
            text = variant(kind, src[1], src[2], vocab_by_source[src[0]], rnd)
            j = len(near)
            near.append((kind, a, text))
            t = t1 + 1000.0 * j
            events.append({"id": f"na{j}", "author": f"near{j}", "channel": "near", "ts": t, "text": src[1]})
            events.append({"id": f"nb{j}", "author": f"near{j}", "channel": "near", "ts": t + 10, "text": text})
    verdicts = winnow.filter("repeat-near", events, policy)
    per_kind = collections.defaultdict(lambda: [0, 0])
    per_kind_bucket = collections.defaultdict(lambda: [0, 0])
    missed = collections.defaultdict(list)
    for j, (kind, a, text) in enumerate(near):
        caught = any(r["rule"] == "repeat" for r in verdicts[2 * j + 1]["reasons"])
        bk = bucket_of(len(pool[a][2]))
        per_kind[kind][0] += 1
        per_kind[kind][1] += caught
        per_kind_bucket[(kind, bk)][0] += 1
        per_kind_bucket[(kind, bk)][1] += caught
        if not caught and len(missed[kind]) < 3:
            missed[kind].append((pool[a][1], text))
    near_result = {"per_kind": per_kind, "per_kind_bucket": per_kind_bucket, "missed": missed, "n": n_near}
    return pairs_result, near_result


# ---------------------------------------------------------------------------- 3. flood

def run_flood(winnow, corpus, tools, work, n_events, civil):
    pool = f"{work}/flood-pool.txt"
    texts = ([e["text"] for e in read_youtube(corpus)] + read_davidson(corpus) + read_mlma(corpus)
             + [e["text"] for e in read_beer(corpus)]
             + read_lines(f"{corpus}/tg-spam/data/ham-samples.txt") + read_lines(f"{corpus}/tg-spam/data/spam-samples.txt"))
    with open(pool, "w", encoding="utf-8") as fh:
        fh.write("\n".join(" ".join(t.split()) for t in texts) + "\n")
    events_path, truth_path = f"{work}/flood-workload.ndjson", f"{work}/flood-truth.tsv"
    gen = [sys.executable, f"{tools}/make_workload.py", pool, "-n", str(n_events), "--seed", "1",
           "-o", events_path, "--truth", truth_path]
    subprocess.run(gen, check=True, stderr=subprocess.DEVNULL)
    events = [json.loads(line) for line in open(events_path, encoding="utf-8")]
    truth = {}
    for line in open(truth_path, encoding="utf-8"):
        eid, kind, detail = line.rstrip("\n").split("\t")
        if kind == "flood":
            truth[eid] = detail
    verdicts = winnow.filter("flood", events)
    campaigns = collections.defaultdict(list)
    outside, outside_kinds, outside_examples = 0, collections.Counter(), collections.defaultdict(list)
    for e, v in zip(events, verdicts):
        rules = {r["rule"] for r in v["reasons"]}
        if e["id"] in truth:
            campaigns[truth[e["id"]]].append((e, v, rules))
        elif "flood" in rules:
            outside += 1
            r = next(r for r in v["reasons"] if r["rule"] == "flood")
            kind = ("participant: a later comment of an author who posted an early copy of a campaign"
                    if r.get("limit") == "participant" else f"copy: {v['action']}")
            outside_kinds[kind] += 1
            if len(outside_examples[kind]) < 3:
                outside_examples[kind].append((e, r))
    # Is a non-campaign "copy" a copy? The best Jaccard similarity of its word set to any comment
    # of the 2 minutes before (any channel, any author).
    sets = [None] * len(events)
    similar = collections.Counter()
    similar_examples = []
    for i, (e, v) in enumerate(zip(events, verdicts)):
        if e["id"] in truth or not any(r["rule"] == "flood" and r.get("limit") != "participant" for r in v["reasons"]):
            continue
        mine = set(word_tokens(e["text"]))
        best, best_text, j = 0.0, "", i - 1
        while j >= 0 and events[j]["ts"] >= e["ts"] - 120:
            if sets[j] is None:
                sets[j] = set(word_tokens(events[j]["text"]))
            u = mine | sets[j]
            if u:
                sim = len(mine & sets[j]) / len(u)
                if sim > best:
                    best, best_text = sim, events[j]["text"]
            j -= 1
        key = "a comment of the 2 minutes before has J ≥ 0.5 (a real copy)" if best >= 0.5 else \
            "no comment of the 2 minutes before has J ≥ 0.5 (distinct text)"
        similar[key] += 1
        if best < 0.5 and len(similar_examples) < 5:
            similar_examples.append((e, best, best_text))
    res = {"events": len(events), "similar": similar, "similar_examples": similar_examples, "campaigns": len(campaigns), "mutated": sum(1 for c in campaigns if c.endswith("~")),
           "copies": 0, "flood": 0, "any": 0, "after4": 0, "after4_flood": 0, "by_kind": collections.defaultdict(lambda: [0, 0]),
           "outside": outside, "outside_examples": outside_examples, "outside_kinds": outside_kinds, "penalized": 0,
           "command": " ".join(["python3", "../shared/tools/make_workload.py", "POOL", "-n", str(n_events), "--seed", "1",
                                "-o", "flood-workload.ndjson", "--truth", "flood-truth.tsv"]),
           "pool": len(texts)}
    for name, copies in campaigns.items():
        kind = "near-copies" if name.endswith("~") else "exact copies"
        authors = []
        for e, v, rules in copies:
            if e["author"] not in authors:
                authors.append(e["author"])
            res["copies"] += 1
            hit = "flood" in rules
            res["flood"] += hit
            res["any"] += bool(rules & {"flood", "repeat", "raid"})
            res["penalized"] += bool(rules & {"timeout", "ban"})
            res["by_kind"][kind][0] += 1
            res["by_kind"][kind][1] += hit
            if len(authors) >= 5:
                res["after4"] += 1
                res["after4_flood"] += hit
    res["civil_flood"] = sum(s["flood"] for _, _, _, s in civil)
    return res


# ---------------------------------------------------------------------------- 4. spam

def run_spam(winnow, corpus, work, models):
    """The three videos through `winnow replay` (as evaluate.py does), each with the fold model
    that never saw it; the reports' counts summed."""
    total = {"events": 0, "evaluation": {"overall": collections.Counter(), "rules": {}}}
    for video in ("Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"):
        report = f"{work}/youtube-{video}.json"
        # Named after the video's id, which `replay` takes for the channel (the file's name).
        named = f"{work}/{VIDEO_IDS[video]}.csv"
        if not os.path.exists(named):
            os.symlink(f"{corpus}/youtube-spam-collection/{video}.csv", named)
        subprocess.run([winnow.binary, "replay", named,
                        "--map", "text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID", "--label", "CLASS",
                        "--positive", "1", "--no-audit", "--wordlists", f"{ROOT}/Wordlists", "--model", models[video],
                        "--report-json", report] + (["--policy", winnow.policy] if winnow.policy else []), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=work)
        one = json.load(open(report, encoding="utf-8"))
        total["events"] += one["events"]
        ev = one["evaluation"]
        total["evaluation"]["overall"].update({k: ev["overall"][k] for k in ("tp", "fp", "fn", "tn")})
        for rule, r in ev["rules"].items():
            total["evaluation"]["rules"].setdefault(rule, collections.Counter()).update(
                {k: r[k] for k in ("tp", "fp", "fn", "tn")})
    for counts in [total["evaluation"]["overall"], *total["evaluation"]["rules"].values()]:
        tp, fp, fn, tn = (counts[k] for k in ("tp", "fp", "fn", "tn"))
        counts["precision"] = tp / (tp + fp) if tp + fp else None
        counts["recall"] = tp / (tp + fn) if tp + fn else None
        counts["f1"] = (2 * tp / (2 * tp + fp + fn)) if tp else None
        counts["false_positive_rate"] = fp / (fp + tn) if fp + tn else None
    return total


# ---------------------------------------------------------------------------- report

def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return os.cpu_count(), cpu


def git_commit():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--", "Sources", "Package.swift"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" (with uncommitted changes in Sources/)" if dirty else "")
    except OSError:
        return "?"


def verdict_line(ok):
    return "**PASS**" if ok else "**FAIL**"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/precision.md"))
    ap.add_argument("--policy", help="a policy file instead of the built-in policy (civil sets, flood, spam; "
                    "e.g. Benchmarks/e2e/classifier-on.yaml)")
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--near", type=int, default=2_000, help="near-copy pairs per kind")
    ap.add_argument("--flood-events", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--work", default="/tmp/winnow-precision")
    args = ap.parse_args()
    binary = os.path.abspath(args.winnow if os.path.isabs(args.winnow) else os.path.join(ROOT, args.winnow))
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no winnow binary at {binary} (build it first: swift build -c release)")
    corpus, tools = f"{args.shared}/corpus", f"{args.shared}/tools"
    os.makedirs(args.work, exist_ok=True)
    winnow = Winnow(binary, args.work, os.path.abspath(args.policy) if args.policy else None)
    started = time.time()
    timings = {}

    def step(name, fn, *a):
        t = time.time()
        print(f"precision.py: {name}…", file=sys.stderr, flush=True)
        r = fn(*a)
        timings[name] = time.time() - t
        return r

    models = step("classifier fold models", fold_models, winnow, corpus, args.work)
    civil = step("civil sets", run_civil, winnow, corpus, args.seed, models)
    pairs, near = step("repeat pairs", run_repeat, winnow, corpus, args.work, args.pairs, args.near, args.seed)
    flood = step("flood", run_flood, winnow, corpus, tools, args.work, args.flood_events, civil)
    spam = step("spam", run_spam, winnow, corpus, args.work, models)

    # ------------------------------------------------------------ budget
    budget = []
    tot = collections.Counter()
    for title, name, how, s in civil:
        tot["n"] += s["events"]
        tot["removed"] += s["actions_excl"]["_removed"]
        tot["flagged"] += s["actions_excl"]["flag"]
    civil_ok_rm = all(s["actions_excl"]["_removed"] <= 0.005 * s["events"] for *_, s in civil)
    civil_ok_fl = all(s["actions_excl"]["flag"] <= 0.02 * s["events"] for *_, s in civil)
    worst_rm = max(civil, key=lambda c: c[3]["actions_excl"]["_removed"] / c[3]["events"])
    worst_fl = max(civil, key=lambda c: c[3]["actions_excl"]["flag"] / c[3]["events"])
    budget.append(("Civil text: removed (hold, reject, timeout, ban) ≤ 0.5%, real profanity aside, on each set",
                   f"worst {pct(worst_rm[3]['actions_excl']['_removed'] / worst_rm[3]['events'])} ({worst_rm[0]}); "
                   f"all sets {tot['removed']:,} of {tot['n']:,} ({pct(tot['removed'] / tot['n'])})", civil_ok_rm))
    budget.append(("Civil text: flagged ≤ 2%, real profanity aside, on each set",
                   f"worst {pct(worst_fl[3]['actions_excl']['flag'] / worst_fl[3]['events'])} ({worst_fl[0]}); "
                   f"all sets {tot['flagged']:,} of {tot['n']:,} ({pct(tot['flagged'] / tot['n'])})", civil_ok_fl))
    fired = sum(v[1] for v in pairs["per_bucket"].values())
    rate10k = 10_000 * fired / pairs["pairs"]
    budget.append(("`repeat` on distinct pairs by one author: ≤ 1 in 10,000",
                   f"{fired:,} of {pairs['pairs']:,} pairs ({rate10k:.1f} per 10,000)", rate10k <= 1.0))
    near_now = {k: tuple(reversed(v)) for k, v in near["per_kind"].items()}  # kind -> (caught, pairs)
    base = BASELINE["near_copy"]
    if base:
        worse = [k for k in NEAR_KINDS if k in base and near_now[k][0] / near_now[k][1] < base[k][0] / base[k][1]]
        budget.append(("`repeat` on near-copies: catches at least what it caught at " + BASELINE["commit"],
                       "; ".join(f"{k} {pct(near_now[k][0] / near_now[k][1], 1)} (was {pct(base[k][0] / base[k][1], 1)})"
                                 for k in NEAR_KINDS), not worse))
    fb = BASELINE["flood"]
    if fb:
        budget.append((f"`flood` on injected campaigns: catches at least as many as at {BASELINE['commit']}",
                       f"{flood['flood']:,} of {flood['copies']:,} copies with a flood reason (was {fb[0]:,} of {fb[1]:,})",
                       flood["flood"] / flood["copies"] >= fb[0] / fb[1]))
    budget.append(("`flood`: zero flood reasons on the civil sets", f"{flood['civil_flood']} events", flood["civil_flood"] == 0))
    o = spam["evaluation"]["overall"]
    sb = BASELINE["spam"]
    base_recall, base_prec = sb["tp"] / (sb["tp"] + sb["fn"]), sb["tp"] / (sb["tp"] + sb["fp"])
    budget.append(("Spam: YouTube recall ≥ 55.3% (evaluate.py)", f"{pct(o['recall'], 1)} ({o['tp']} of {o['tp'] + o['fn']})",
                   o["tp"] * (sb["tp"] + sb["fn"]) >= sb["tp"] * (o["tp"] + o["fn"])))
    budget.append(("Spam: YouTube precision rises above 77.9%", f"{pct(o['precision'], 1)} ({o['tp']} of {o['tp'] + o['fp']})",
                   (o["precision"] or 0) > base_prec))

    # ------------------------------------------------------------ markdown
    ncpu, cpu = machine()
    policy = os.path.relpath(os.path.abspath(args.policy), ROOT) if args.policy else None
    L = ["# Precision of " + (f"the policy `{policy}`" if policy else "the built-in policy"), "",
         f"Measured {datetime.date.today().isoformat()} with `python3 Benchmarks/e2e/precision.py"
         + (f" --pairs {args.pairs}" if args.pairs != 100_000 else "")
         + (f" --policy {policy} --out {os.path.relpath(os.path.abspath(args.out), ROOT)}" if policy else "") + "` "
         f"(the real `winnow filter`/`winnow replay`, {f'`{policy}`' if policy else 'built-in policy'}, bundled "
         "wordlists, `--clock event`, `--no-audit`; the classifier, where the policy turns it on, with models that never "
         "saw the comments they judge: leave one source, video or half out).",
         "", f"- binary: `{os.path.relpath(binary, ROOT)}` at commit {git_commit()} "
             f"(built {datetime.datetime.fromtimestamp(os.path.getmtime(binary), datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')})",
         f"- machine: {ncpu} cores (`nproc`), {cpu}",
         f"- run time: {time.time() - started:.0f} s ("
         + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ")",
         "- data: `../shared/corpus` (see its README); scratch files in " + f"`{args.work}`", "",
         "## Budget", "", "| target | measured | |", "|---|---|---|"]
    for target, measured, ok in budget:
        L.append(f"| {target} | {measured} | {verdict_line(ok)} |")
    L.append("")

    # 1. civil
    L += ["## 1. Civil text", "",
          "Removed = `hold`, `reject`, `timeout`, `ban`. *Real profanity* = an event whose only reasons asking for "
          "something other than `allow` are stop words of a list of category "
          + ", ".join(f"`{c}`" for c in PROFANITY_CATEGORIES)
          + " (what those lists exist to catch); it is counted apart and listed below. Stop words of `en/crude` "
          "(category `crude`: ass, piss, cock…) are *not* set apart: they count against the budget.", "",
          "| set | events | allowed | flagged | censored | removed | flagged % | removed % | real profanity | flagged % w/o it | removed % w/o it | budget (≤ 2% / ≤ 0.5%) |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for title, name, how, s in civil:
        a, x, n = s["actions"], s["actions_excl"], s["events"]
        L.append(f"| {title} | {n:,} | {a['allow']:,} | {a['flag']:,} | {a['censor']:,} | {a['_removed']:,} | "
                 f"{pct(a['flag'] / n)} | {pct(a['_removed'] / n)} | {len(s['profanity'])} | "
                 f"{pct(x['flag'] / n)} | {pct(x['_removed'] / n)} | "
                 f"{'PASS' if x['flag'] <= 0.02 * n else 'FAIL'} / {'PASS' if x['_removed'] <= 0.005 * n else 'FAIL'} |")
    L += ["", "How each set was replayed:", ""]
    for title, name, how, s in civil:
        L.append(f"- {title}: {how}.")
    L.append("")
    L += ["Actions in detail (all events): " + "; ".join(
        f"{title}: " + ", ".join(f"{k} {v}" for k, v in sorted(s["actions"].items()) if not k.startswith("_"))
        for title, _, _, s in civil) + ".", ""]
    for title, name, how, s in civil:
        L += [f"### {title}", "", "Per rule: events with at least one reason of the rule, and the action those events got.", "",
              "| rule | events | removed | flagged | censored | allowed | of which real profanity | what fired (events) |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
        for rule, st in sorted(s["rules"].items(), key=lambda kv: -kv[1]["events"]):
            kinds = ", ".join(f"{short(k, 70)} {c}" for k, c in st["kinds"].most_common(6))
            L.append(f"| {rule} | {st['events']} | {st['removed']} | {st['flagged']} | {st['censored']} | {st['allowed']} | "
                     f"{st['apart']} | {kinds} |")
        if s["lists"]:
            L += ["", "Stop-word reasons by list: " + ", ".join(f"{k} {v}" for k, v in s["lists"].most_common()) + "."]
        if s["phantom_repeat"]:
            L += ["", f"**{len(s['phantom_repeat'])} of the `repeat` events had no comment of the same author in the minute "
                  "before** (the rule keeps times modulo 4,096 s, so an old comment k × 4,096 s back looks recent): "
                  + "; ".join(f"\"{short(e['text'], 60)}\" — {r.get('message')}, previous comment of the author "
                              + (f"{gap:,.0f} s before" if gap is not None else "none") for e, r, gap in s["phantom_repeat"][:5]) + "."]
        L.append("")
        for rule, st in sorted(s["rules"].items(), key=lambda kv: -kv[1]["events"]):
            if not st["examples"]:
                continue
            L.append(f"Examples, `{rule}` (the verdict's action first):")
            L.append("")
            for e, v, r in st["examples"]:
                L.append(f"- {v['action']}: \"{short(e['text'])}\" — {reason_detail(r)}")
            L.append("")
        if s["profanity"]:
            L.append(f"Real profanity set apart ({len(s['profanity'])} events: "
                     + ", ".join(f"{k} {v}" for k, v in collections.Counter(v['action'] for _, v in s['profanity']).most_common())
                     + "), first 10:")
            L.append("")
            for e, v in s["profanity"][:10]:
                rs = [r for r in acting_reasons(v)]
                L.append(f"- {v['action']}: \"{short(e['text'])}\" — "
                         + "; ".join(f"{r.get('list')} `{r.get('term')}` → \"{short(r.get('match', ''), 30)}\"" for r in rs[:3]))
            L.append("")

    # 2. repeat
    L += ["## 2. `repeat` alone", "",
          "Policy: the built-in one with rate limits, flood, raid, links, noise and escalation off (`repeat` as built in); "
          f"written to `{args.work}/repeat-only.yaml`. Each pair has its own fresh author, B 10 s after A, pairs 1,000 s apart.", "",
          f"### Distinct pairs ({pairs['pairs']:,})", "",
          "A is drawn uniformly from every real comment of the Beer Stack Exchange comments, the YouTube Spam Collection "
          "(ham and spam), Davidson et al. (all classes), tg-spam (ham and spam samples) and MLMA French tweets; B uniformly "
          "from the comments of the same source. Distinct: the sets of lower-cased alphanumeric words have a Jaccard similarity "
          f"below 0.5, and the texts differ after lower-casing and trimming ({pairs['rejected']:,} drawn pairs were not distinct "
          "and redrawn). Length = words of B.", "",
          "| words in B | pairs | judged a repeat | per 10,000 |", "|---|---:|---:|---:|"]
    for name, _, _ in BUCKETS:
        n, f = pairs["per_bucket"].get(name, [0, 0])
        L.append(f"| {name} | {n:,} | {f} | {10_000 * f / n:.1f} |" if n else f"| {name} | 0 | – | – |")
    L.append(f"| **all** | {pairs['pairs']:,} | {fired} | {rate10k:.1f} |")
    L += ["", "By source: " + ", ".join(f"{k} {v[1]} of {v[0]:,}" for k, v in sorted(pairs["per_source"].items())) + ".",
          f" A events with a `repeat` reason (should be 0): {pairs['a_fired']}.", ""]
    if pairs["fired"]:
        L += ["Pairs judged a repeat (first 10; J = Jaccard similarity of the word sets):", ""]
        for a, b, j, r in pairs["fired"][:10]:
            L.append(f"- ({a[0]}, J {j:.2f}) A \"{short(a[1], 90)}\" → B \"{short(b[1], 90)}\" — {reason_detail(r)}")
        L.append("")
    L += [f"### Near-copies ({near['n']:,} pairs per kind)", "",
          "A: a real comment of at least 3 words (same sources); B: A changed as said. One word changed / a word added: "
          "a random word of the same source's vocabulary, not already in A. Emoji: one of "
          + " ".join(EMOJI) + " after a space. Punctuation/number: one of " + ", ".join(f"`{p.strip()}`" for p in PUNCT)
          + " appended. Length = words of A.", "",
          "| kind | caught | " + " | ".join(b for b, lo, _ in BUCKETS if lo >= 3) + " |",
          "|---|---:|" + "---:|" * sum(1 for _, lo, _ in BUCKETS if lo >= 3)]
    for kind in NEAR_KINDS:
        n, c = near["per_kind"][kind]
        cells = []
        for b, lo, _ in BUCKETS:
            if lo < 3:
                continue
            bn, bc = near["per_kind_bucket"].get((kind, b), [0, 0])
            cells.append(f"{pct(bc / bn, 1)} ({bc}/{bn})" if bn else "–")
        L.append(f"| {kind} | {pct(c / n, 1)} ({c:,}/{n:,}) | " + " | ".join(cells) + " |")
    L.append("")
    for kind in NEAR_KINDS:
        if near["missed"][kind]:
            L.append(f"Missed, {kind}: " + "; ".join(f"\"{short(a, 70)}\" → \"{short(b, 70)}\"" for a, b in near["missed"][kind]))
            L.append("")

    # 3. flood
    L += ["## 3. `flood` on injected campaigns", "",
          f"Workload: `{flood['command']}` (POOL: the {flood['pool']:,} real comments of every source, one per line; "
          "the generator's defaults otherwise: 2% of events in campaigns of about 40 authors within 5 s, 30% of campaigns "
          "near-copies; no stop words injected), then `winnow filter --clock event` with the built-in policy.", "",
          f"- events: {flood['events']:,}; campaigns: {flood['campaigns']} ({flood['mutated']} of near-copies); campaign copies: {flood['copies']:,}",
          f"- copies with a `flood` reason: **{flood['flood']:,} ({pct(flood['flood'] / flood['copies'], 1)})**; "
          f"with `flood`, `repeat` or `raid`: {flood['any']:,} ({pct(flood['any'] / flood['copies'], 1)}); "
          f"copies from a campaign's 5th author on: {flood['after4']:,}, of which {flood['after4_flood']:,} with `flood` "
          f"({pct(ratio(flood['after4_flood'], flood['after4']), 1)}); copies of authors already timed out or banned: {flood['penalized']:,}",
          "- by kind: " + ", ".join(f"{k} {v[1]:,} of {v[0]:,} ({pct(v[1] / v[0], 1)})" for k, v in sorted(flood["by_kind"].items())),
          f"- events **not** in a campaign with a `flood` reason: **{flood['outside']:,}**",
          f"- `flood` reasons on the civil sets of part 1: **{flood['civil_flood']}**", ""]
    if flood["outside"]:
        L += ["Non-campaign events with a `flood` reason, by kind (first 3 of each):", ""]
        for kind, n in flood["outside_kinds"].most_common():
            L.append(f"- {kind}: **{n:,}**")
            for e, r in flood["outside_examples"][kind]:
                L.append(f"  - \"{short(e['text'])}\" — {reason_detail(r)}")
        L.append("")
        L += ["The copies among them (not participants), by the best Jaccard similarity of their words to any comment "
              "of the 2 minutes before: " + ", ".join(f"{k}: **{n:,}**" for k, n in flood["similar"].most_common()) + ".", ""]
        if flood["similar_examples"]:
            L += ["Distinct texts refused as campaign copies (first 5; the most similar comment of the 2 minutes before):", ""]
            for e, best, other in flood["similar_examples"]:
                L.append(f"- \"{short(e['text'], 80)}\" — closest: J {best:.2f} \"{short(other, 80)}\"")
            L.append("")

    # 4. spam
    ev = spam["evaluation"]
    L += ["## 4. Spam: YouTube Spam Collection (3 files)", "",
          "Each video through `winnow replay VIDEO_ID.csv "
          "--map text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID --label CLASS --positive 1 --no-audit "
          "--model fold-VIDEO.wnm --report-json youtube-VIDEO.json` with the classifier model trained as the "
          "bundled one without that video's comments (leave one video out), the counts summed; `VIDEO_ID.csv` is a "
          "link to `../shared/corpus/youtube-spam-collection/VIDEO.csv` named after the video's id, which `replay` "
          "takes for the channel, as an integration would send it "
          "(positive = any verdict other than `allow`).", "",
          "| | labeled spam | labeled ham |", "|---|---:|---:|",
          f"| not allowed | {o['tp']} | {o['fp']} |", f"| allowed | {o['fn']} | {o['tn']} |", "",
          f"{spam['events']} comments: precision **{pct(o['precision'], 1)}**, recall **{pct(o['recall'], 1)}**, "
          f"F1 **{pct(o['f1'], 1)}**, false-positive rate on ham **{pct(o['false_positive_rate'], 1)}** "
          f"(at {BASELINE['commit']} per evaluation.md: precision {pct(base_prec, 1)}, recall {pct(base_recall, 1)}).", "",
          "| rule | tp | fp | precision | recall |", "|---|---:|---:|---:|---:|"]
    for rule, r in sorted(ev["rules"].items(), key=lambda kv: -(kv[1]["tp"] + kv[1]["fp"])):
        L.append(f"| {rule} | {r['tp']} | {r['fp']} | {pct(r['precision'], 1)} | {pct(r['recall'], 1)} |")
    L.append("")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))
    print("\n".join(L[:L.index("## 1. Civil text")]))
    print(f"written: {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
