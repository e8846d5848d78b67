#!/usr/bin/env python3
"""Winnow wordlist checker: format validation, false-positive and catch-rate report.

Stdlib only.  Usage (from the repository root):

    python3 scripts/wordlist_fp_check.py --corpus ../shared/corpus
    python3 scripts/wordlist_fp_check.py --corpus ../shared/corpus --full --show 40

What it does
------------
1. Parses every ``Wordlists/**/*.txt`` with the Winnow wordlist format rules
   (settings, entries, wildcards, regex, allow-list) and reports format errors,
   duplicate entries after normalization and settings that come after entries.
2. Matches every list against
   * the dictionaries (american-english, british-english, french), each
     dictionary word taken as one text;
   * civil comments (Beer SE comments, YouTube ham rows, tg-spam ham lines);
   * labelled sets: Davidson tweets by class, MLMA French tweets, spam sets.
3. Runs a few hand-written positive/negative probes per list (sanity check).

The matcher here is an APPROXIMATION of Winnow's, as agreed for this check:
text and entries are NFKC-normalised, case-folded, accents stripped (NFKD, drop
combining marks), zero-width characters dropped, Cyrillic/Greek look-alikes
folded to Latin, and apostrophes inside a word joined (don't -> dont).
Literals match as whole words/phrases (no word character on either side); in a
phrase a space also matches '-', '_', '.' or nothing; ``w*`` = word starting
with w, ``*w`` = word ending with w, ``*w*`` = anywhere; ``/re/`` is applied
as a Python regex (close enough to PCRE2 for the patterns used here);
``!entry`` hits discard block hits lying inside them.

``--full`` additionally models the rest of the documented normalization for a
second, stricter dictionary pass: leetspeak digits inside words, l/i merged,
letters repeated 3+ times squashed, and any entry letter may repeat in the text
(entry ``cul`` then also fires on ``cull``).

A dictionary word does not count as a false positive when the word itself (or
its base without a possessive 's) is a literal entry of the list, or when it is
listed in REVIEWED_TRUE_HITS below (offensive dictionary words reached through
a wildcard, e.g. ``fuck*`` -> ``fuckers``).  Everything else is printed.
"""

import argparse
import csv
import glob
import html
import os
import re
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict, defaultdict

ALLOWED_KEYS = ("category", "severity", "action", "note", "description")
ALLOWED_ACTIONS = ("flag", "hold", "censor", "reject", "annotate")

# Offensive words that are in the dictionaries and are reached by a wildcard
# entry rather than a literal one.  They are true hits, not false positives.
# Reviewed by hand; keep this short and obvious.
REVIEWED_TRUE_HITS = {
    "en/profanity": {
        "fuck", "fucked", "fucker", "fuckers", "fucking", "fucks",
        "motherfucker", "motherfuckers", "bullshitted", "bullshitter",
        "bullshitters", "bullshitting", "bullshits", "shits", "shitted",
        "shitting", "shitty", "shittier", "shittiest",
        "shithead", "shitheads", "shitload", "shitloads", "shitfaced",
        "wanker", "wankers", "wanked", "wanking", "wanks",
        "whores", "whorehouse", "whorehouses", "sluts", "sluttish", "motherfucking",
        "twats", "cunts", "jizzed", "jizzes", "pissing", "pisser", "pissers", "pisses",
        "pissed", "cocksucker", "cocksuckers", "dickhead", "dickheads",
        "arseholes", "assholes", "bitchiness", "bitchy", "bitchier",
        "bitchiest", "bitchily", "bitched", "bitches", "bitching",
        "blowjobs", "handjobs", "dildos", "cunnilingus",
        "dumbass", "dumbasses", "fatass", "jackass", "jackasses", "smartass", "smartasses",
        "badass", "badasses", "kickass", "hardass", "hardasses",
        "goddamn", "goddamned", "goddam", "goddammit", "bullshit",
    },
    "en/insults": {
        "retards", "retarded", "douchebags", "scumbags", "dickheads",
        "shitheads", "twats", "wankers", "morons", "imbeciles",
    },
    "en/slurs": {
        "niggers", "niggas", "niggaz", "faggots", "kikes", "spics", "wetbacks",
        "towelheads", "ragheads", "trannies", "dykes",
    },
    "fr/profanity": {"jean-foutre", "conneries"},   # jean-foutre: a vulgar insult itself
    "fr/slurs": {"youpine", "youpines", "negresses", "bougnoules", "gouines", "tarlouzes"},
}
# Whole inflection families of a vulgar word, reviewed as true hits.
REVIEWED_TRUE_PATTERNS = {
    "fr/profanity": [r"^encul", r"^emmerd"],   # every form of enculer / emmerder
}

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)

# Cyrillic / Greek look-alikes folded to Latin (applied after case folding).
HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t",
    "υ": "u", "χ": "x", "ε": "e",
}
HOMO_TABLE = str.maketrans(HOMOGLYPHS)

LEET = str.maketrans({"0": "o", "1": "i", "!": "i", "3": "e", "4": "a",
                      "@": "a", "5": "s", "$": "s", "7": "t", "8": "b", "9": "g"})


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s)
                   if not unicodedata.combining(c))


APOS_RE = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")
WS_RE = re.compile(r"\s+")


def norm(s):
    """Basic normalization shared by text and entries."""
    s = unicodedata.normalize("NFKC", s).translate(ZERO_WIDTH)
    s = strip_accents(s.casefold())
    s = s.translate(HOMO_TABLE)
    s = APOS_RE.sub("", s)
    return WS_RE.sub(" ", s)


LEET_TOKEN_RE = re.compile(r"[\w@$!]*[a-z][\w@$!]*")
SQUASH_RE = re.compile(r"([a-z])\1{2,}")


def norm_full(s):
    """Stricter normalization: leet inside words, l->i, 3+ repeats squashed."""
    s = norm(s)

    def leet(m):
        tok = m.group(0)
        if re.search(r"[a-z]", tok) and re.search(r"[0-9@$!]", tok):
            tok = tok.translate(LEET)
        return tok
    s = LEET_TOKEN_RE.sub(leet, s)
    s = s.replace("l", "i")
    return SQUASH_RE.sub(r"\1", s)


# ---------------------------------------------------------------- parsing

class Entry:
    __slots__ = ("raw", "kind", "text", "allow", "line", "rx", "rx_full")

    def __init__(self, raw, kind, text, allow, line):
        self.raw, self.kind, self.text, self.allow, self.line = raw, kind, text, allow, line
        self.rx = self.rx_full = None


class Wordlist:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.settings = OrderedDict()
        self.entries = []
        self.errors = []
        self.warnings = []

    @property
    def block(self):
        return [e for e in self.entries if not e.allow]

    @property
    def allow(self):
        return [e for e in self.entries if e.allow]


ENTRY_RE = re.compile(r"^(\*?)([^*]+?)(\*?)$")


def parse_wordlist(path, name):
    wl = Wordlist(name, path)
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        wl.errors.append("file starts with a UTF-8 BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        wl.errors.append("not UTF-8: %s" % exc)
        return wl
    seen_entry = False
    seen_norm = {}
    for no, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("@"):
            m = re.match(r"^@([a-z]+):\s*(.*)$", s)
            if not m or m.group(1) not in ALLOWED_KEYS:
                wl.errors.append("line %d: bad setting %r" % (no, s))
                continue
            key, val = m.group(1), m.group(2).strip()
            if seen_entry:
                wl.warnings.append("line %d: setting @%s after entries" % (no, key))
            if key in wl.settings:
                wl.errors.append("line %d: duplicate setting @%s" % (no, key))
            if key == "severity" and not re.fullmatch(r"[1-5]", val):
                wl.errors.append("line %d: severity must be 1..5" % no)
            if key == "action" and val not in ALLOWED_ACTIONS:
                wl.errors.append("line %d: unknown action %r" % (no, val))
            if key == "category" and not re.fullmatch(r"[a-z][a-z-]*", val):
                wl.errors.append("line %d: category should be a short lowercase word" % no)
            if not val:
                wl.errors.append("line %d: empty @%s" % (no, key))
            wl.settings[key] = val
            continue
        seen_entry = True
        # inline comment: a space then '#'; regex entries end at their last '/'
        if s.startswith("/") or s.startswith("!/"):
            end = s.rfind("/")
            rest = s[end + 1:]
            if rest.strip() and not re.match(r"^\s+#", rest):
                wl.errors.append("line %d: junk after regex: %r" % (no, rest))
            s = s[:end + 1]
        else:
            i = s.find(" #")
            if i >= 0:
                s = s[:i].rstrip()
        allow = s.startswith("!")
        body = s[1:] if allow else s
        if len(body) >= 2 and body.startswith("/") and body.endswith("/"):
            e = Entry(s, "regex", body[1:-1], allow, no)
            try:
                e.rx = re.compile(e.text)
                e.rx_full = e.rx
            except re.error as exc:
                wl.errors.append("line %d: bad regex %r: %s" % (no, s, exc))
                continue
        else:
            m = ENTRY_RE.match(body)
            if not m or not m.group(2).strip() or "/" in body:
                wl.errors.append("line %d: bad entry %r" % (no, s))
                continue
            lead, core, trail = m.group(1), m.group(2), m.group(3)
            if core != core.strip():
                wl.errors.append("line %d: space next to wildcard in %r" % (no, s))
            kind = {("", ""): "literal", ("", "*"): "prefix", ("*", ""): "suffix",
                    ("*", "*"): "anywhere"}[(lead, trail)]
            if kind != "literal" and " " in core:
                wl.warnings.append("line %d: wildcard on a phrase %r" % (no, s))
            e = Entry(s, kind, core.strip(), allow, no)
            e.rx = compile_entry(e.kind, norm(e.text), full=False)
            e.rx_full = compile_entry(e.kind, norm_full(e.text), full=True)
        key = (e.allow, e.kind, norm(e.text) if e.kind != "regex" else e.text)
        if key in seen_norm:
            wl.warnings.append("line %d: %r duplicates line %d after normalization"
                               % (no, s, seen_norm[key]))
        else:
            seen_norm[key] = no
        wl.entries.append(e)
    if "action" not in wl.settings:
        wl.errors.append("no @action")
    if wl.settings.get("action") == "annotate" and not wl.settings.get("note"):
        wl.errors.append("@action: annotate needs a @note")
    return wl


LETTER = r"[^\W\d_]"
SEP = r"(?:[ \t]+|[-_.])?"


def compile_entry(kind, text, full):
    def lit(word):
        parts = []
        for ch in word:
            if full and ch.isalpha():
                parts.append(re.escape(ch) + "+")
            else:
                parts.append(re.escape(ch))
        return "".join(parts)
    core = SEP.join(lit(w) for w in text.split(" "))
    if kind == "literal":
        pat = r"(?<!\w)" + core + r"(?!\w)"
    elif kind == "prefix":
        pat = r"(?<!\w)" + core + LETTER + r"*(?!\w)"
    elif kind == "suffix":
        pat = r"(?<!\w)" + LETTER + "*" + core + r"(?!\w)"
    else:
        pat = core
    return re.compile(pat)


def load_wordlists(root):
    lists = []
    for path in sorted(glob.glob(os.path.join(root, "**", "*.txt"), recursive=True)):
        rel = os.path.relpath(path, root)
        if rel.split(os.sep)[0] == "LICENSES":
            continue
        name = rel[:-4].replace(os.sep, "/")
        lists.append(parse_wordlist(path, name))
    return lists


# ---------------------------------------------------------------- matching

_COMBINED = {}


def find_hits(wl, ntext, full=False):
    """All (entry, start, end) block hits in normalized text after allow-listing."""
    if not full:
        # cheap prefilter: some entry's longest token must occur in the text
        if id(wl) not in _COMBINED:
            toks = {max(norm(e.text).split(" "), key=len) for e in wl.block if e.kind != "regex"}
            rxs = [e.rx for e in wl.block if e.kind == "regex"]
            _COMBINED[id(wl)] = (toks, rxs)
        toks, rxs = _COMBINED[id(wl)]
        if not any(t in ntext for t in toks) and not any(r.search(ntext) for r in rxs):
            return []
    hits = []
    for e in wl.block:
        rx = e.rx_full if full else e.rx
        for m in rx.finditer(ntext):
            if m.end() > m.start():
                hits.append((e, m.start(), m.end()))
    if hits and wl.allow:
        spans = []
        for a in wl.allow:
            rx = a.rx_full if full else a.rx
            spans.extend((m.start(), m.end()) for m in rx.finditer(ntext))
        hits = [h for h in hits
                if not any(s <= h[1] and h[2] <= t for s, t in spans)]
    return hits


def combined(wl, full=False):
    pats = [(e.rx_full if full else e.rx).pattern for e in wl.block]
    if not pats:
        return None
    return re.compile("|".join("(?:%s)" % p for p in pats))


# ---------------------------------------------------------------- corpora

def read_lines(path):
    return open(path, encoding="utf-8").read().split("\n")


def load_dicts(corpus):
    out = OrderedDict()
    for label, rel in (("american-english", "debian-wordlists/wamerican/american-english"),
                       ("british-english", "debian-wordlists/wbritish/british-english"),
                       ("french", "debian-wordlists/wfrench/french")):
        out[label] = [w for w in read_lines(os.path.join(corpus, rel)) if w.strip()]
    return out


TAG_RE = re.compile(r"<[^>]+>")


def clean_html(s):
    return html.unescape(TAG_RE.sub(" ", s)).replace("\ufeff", "")


def load_civil(corpus):
    sets = OrderedDict()
    root = ET.parse(os.path.join(corpus, "stackexchange-beer-comments/Comments.xml")).getroot()
    sets["beer-se-comments"] = [r.get("Text", "") for r in root.iter("row")]
    yt = []
    for path in sorted(glob.glob(os.path.join(corpus, "youtube-spam-collection/*.csv"))):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["CLASS"].strip() == "0":
                    yt.append(clean_html(row["CONTENT"]))
    sets["youtube-ham"] = yt
    sets["tg-spam-ham"] = [l for l in read_lines(os.path.join(corpus, "tg-spam/data/ham-samples.txt"))
                           if l.strip()]
    return sets


CYR_RE = re.compile(r"[\u0400-\u04ff]")


def load_labelled(corpus):
    sets = OrderedDict()
    dav = defaultdict(list)
    with open(os.path.join(corpus, "davidson-hate-offensive/data/labeled_data.csv"),
              encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            dav[row["class"]].append(html.unescape(row["tweet"]))
    sets["davidson-0-hate"] = dav["0"]
    sets["davidson-1-offensive"] = dav["1"]
    sets["davidson-2-neither"] = dav["2"]
    toxic, normal = [], []
    with open(os.path.join(corpus, "mlma-hate-speech-fr/hate_speech_mlma/fr_dataset.csv"),
              encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (normal if row["sentiment"].strip() == "normal" else toxic).append(row["tweet"])
    sets["mlma-fr-toxic"] = toxic
    sets["mlma-fr-normal"] = normal
    yt_spam = []
    for path in sorted(glob.glob(os.path.join(corpus, "youtube-spam-collection/*.csv"))):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["CLASS"].strip() == "1":
                    yt_spam.append(clean_html(row["CONTENT"]))
    sets["youtube-spam"] = yt_spam
    tg = [l for p in ("tg-spam/data/spam-samples.txt", "tg-spam/app/bot/testdata/spam.txt")
          for l in read_lines(os.path.join(corpus, p)) if l.strip()]
    sets["tg-spam-latin-only"] = [l for l in tg if not CYR_RE.search(l)]
    sets["tg-spam-cyrillic"] = [l for l in tg if CYR_RE.search(l)]
    return sets


# ---------------------------------------------------------------- probes
# Hand-written sanity probes: (list, text, should_fire)
PROBES = [
    ("en/profanity", "what the fuck is this", True),
    ("en/profanity", "he works at Scunthorpe United", False),
    ("en/profanity", "a classic assassin story in Essex", False),
    ("en/crude", "she graduated summa cum laude", False),
    ("en/crude", "a bedroom-cum-office", True),   # known, accepted: flag only
    ("en/crude", "Moby-Dick and Philip K. Dick", False),
    ("en/profanity", "Shiitake mushrooms and Shiite Muslims", False),
    ("en/profanity", "this is bullshit", True),
    ("en/profanity", "you are a total dickhead", True),
    ("en/insults", "what an idiot", True),
    ("en/insults", "the idiot box is on", False),
    ("en/slurs", "a chink in the armour", False),
    ("en/slurs", "dirty wetbacks", True),
    ("en/spam", "check out my channel please!!", True),
    ("en/spam", "I work from home on Fridays", False),
    ("en/spam", "work from home and earn $500 daily", True),
    ("en/spam", "Earn 65$ per day https://x.example", True),
    ("en/spam", "did you check the channel settings?", False),
    ("en/self-harm", "sometimes I just want to die", True),
    ("en/self-harm", "the battery will die soon", False),
    ("en/gambling", "I lost everything betting on football", True),
    ("en/gambling", "I bet you are right", False),
    ("fr/profanity", "putain de merde", True),
    ("fr/profanity", "take a bite of this", False),
    ("fr/profanity", "on va pique-niquer dimanche", False),
    ("en/slurs", "a honky-tonk piano", False),
    ("en/slurs", "pure gobbledy gook", False),
    ("en/insults", "my Maine Coon cat", False),
    ("en/slurs", "a niggardly budget", False),
    ("en/profanity", "I bought a Wankel engine", False),
    ("fr/insults", "ferme ta gueule connard", True),
    ("fr/insults", "the pros and cons", False),
    ("fr/self-harm", "j'ai envie de mourir", True),
    ("fr/slurs", "dehors les sales arabes", True),
    ("fr/slurs", "la salle de bain est sale", False),
    ("fr/insults", "quel con celui-là", True),
    ("en/insults", "fossils of Homo habilis and Homo sapiens", False),
    ("en/insults", "shut up you homo", True),
    ("en/self-harm", "I have been cutting myself again", True),
    ("en/gambling", "my gambling debts are out of control", True),
    ("ru/spam", "Пишите в лс за подробностями", True),
    ("ru/spam", "Ищу партнёров для бизнеса", True),
]


# ---------------------------------------------------------------- report

def snippet(ntext, s, e, width=40):
    a, b = max(0, s - width), min(len(ntext), e + width)
    return ("…" if a else "") + ntext[a:s] + "[" + ntext[s:e] + "]" + ntext[e:b] + ("…" if b < len(ntext) else "")


DEDUP_RE = re.compile(r"(.)\1+")


def _dedup(s):
    return DEDUP_RE.sub(r"\1", s)


def _line_index(lines):
    starts, pos = [], 0
    for t in lines:
        starts.append(pos)
        pos += len(t) + 1
    return starts


_NORM_CACHE = {}


def dict_hits(wl, words, full):
    """Dictionary pass: returns list of (word, entries) for words that fire.

    Candidate words are found fast: every non-regex entry needs its longest
    token as a substring of the word (after collapsing repeated letters in
    --full mode, where entry letters may repeat); regex entries are run over
    the joined word list.  Candidates are then matched exactly."""
    import bisect
    ck = (id(words), full)
    if ck not in _NORM_CACHE:
        nt = [(norm_full if full else norm)(w) for w in words]
        _NORM_CACHE[ck] = (nt, [_dedup(t) for t in nt] if full else nt)
    ntexts, keyed = _NORM_CACHE[ck]
    big = "\n".join(keyed)
    starts = _line_index(keyed)
    cand = set()
    bigr = "\n".join(ntexts)
    st = _line_index(ntexts)
    for e in wl.block:
        if e.kind == "regex":
            rx = e.rx_full if full else e.rx
            for m in rx.finditer(bigr):
                cand.add(bisect.bisect_right(st, m.start()) - 1)
            continue
        etext = (norm_full if full else norm)(e.text)
        token = max(etext.split(" "), key=len)
        if full:
            token = _dedup(token)
        i = big.find(token)
        while i >= 0:
            cand.add(bisect.bisect_right(starts, i) - 1)
            i = big.find(token, i + 1)
    out = []
    for i in sorted(cand):
        hits = find_hits(wl, ntexts[i], full)
        if hits:
            out.append((words[i], sorted({h[0].raw for h in hits})))
    return out


def _flat(s):
    return re.sub(r"[-_. ]", "", s)


def is_entry_word(wl, word):
    """The word itself (or its possessive base) is an entry: a literal, or the
    root of a wildcard entry (``whore`` for ``whore*``)."""
    base = word[:-2] if word.endswith("'s") else word
    roots = {_flat(norm(e.text)) for e in wl.block if e.kind != "regex"}
    return _flat(norm(base)) in roots or _flat(norm(word)) in roots


def is_reviewed(wl, word):
    base = norm(word[:-2] if word.endswith("'s") else word)
    if base in REVIEWED_TRUE_HITS.get(wl.name, ()):
        return True
    return any(re.search(p, base) for p in REVIEWED_TRUE_PATTERNS.get(wl.name, ()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    ap.add_argument("--wordlists", default=os.path.join(here, "..", "Wordlists"))
    ap.add_argument("--full", action="store_true", help="also run the stricter normalization on the dictionaries")
    ap.add_argument("--show", type=int, default=25, help="max hits shown per list and set")
    ap.add_argument("--only", help="comma-separated list names to check")
    args = ap.parse_args()
    t0 = time.time()

    lists = load_wordlists(args.wordlists)
    if args.only:
        keep = set(args.only.split(","))
        lists = [w for w in lists if w.name in keep]
    print("# Winnow wordlist check\n")
    print("wordlists: %s   corpus: %s\n" % (os.path.normpath(args.wordlists), os.path.normpath(args.corpus)))

    # ---- format
    print("## Format\n")
    bad = 0
    for wl in lists:
        s = wl.settings
        counts = Counter(e.kind for e in wl.block)
        print("%-16s action=%-8s severity=%s category=%-10s entries=%3d (allow %d) %s" % (
            wl.name, s.get("action"), s.get("severity"), s.get("category"), len(wl.block),
            len(wl.allow), dict(counts)))
        for msg in wl.errors:
            bad += 1
            print("   ERROR   " + msg)
        for msg in wl.warnings:
            print("   warning " + msg)
    sizes = {w.name: len(w.entries) for w in lists}
    for lang in ("en", "fr"):
        names = [n for n in sizes if n.startswith(lang + "/") and n.split("/")[1] in ("profanity", "insults", "slurs")]
        if names:
            print("%s profanity+insults+slurs: %d entries (%s)" % (
                lang.upper(), sum(sizes[n] for n in names), ", ".join("%s %d" % (n, sizes[n]) for n in names)))
    print()

    # ---- probes
    print("## Probes (hand-written sanity checks)\n")
    by_name = {w.name: w for w in lists}
    pfail = 0
    for name, text, want in PROBES:
        if name not in by_name:
            continue
        got = bool(find_hits(by_name[name], norm(text)))
        mark = "ok  " if got == want else "FAIL"
        if got != want:
            pfail += 1
        print("%s %-14s want=%-5s got=%-5s %s" % (mark, name, want, got, text))
    print()

    # ---- dictionaries
    dicts = load_dicts(args.corpus)
    modes = [False, True] if args.full else [False]
    print("## Dictionary false positives\n")
    print("Each dictionary word is one text. 'fires' = words with a hit; 'entry' = the word is")
    print("itself a literal entry (or its possessive); 'reviewed' = offensive word reached by a")
    print("wildcard (REVIEWED_TRUE_HITS); FP = the rest.\n")
    summary_dict = defaultdict(dict)
    details = []
    for full in modes:
        for wl in lists:
            for label, words in dicts.items():
                hits = dict_hits(wl, words, full)
                fp = []
                n_entry = n_rev = 0
                for word, ents in hits:
                    if is_entry_word(wl, word):
                        n_entry += 1
                    elif is_reviewed(wl, word):
                        n_rev += 1
                    else:
                        fp.append((word, ents))
                summary_dict[(wl.name, full)][label] = (len(hits), n_entry, n_rev, fp)
    hdr = "%-16s %-5s " % ("list", "mode") + " ".join("%-26s" % d for d in dicts)
    print(hdr)
    print("%-16s %-5s " % ("", "") + " ".join("%-26s" % "fires/entry/reviewed/FP" for _ in dicts))
    for (name, full), per in summary_dict.items():
        row = "%-16s %-5s " % (name, "full" if full else "basic")
        row += " ".join("%-26s" % ("%d/%d/%d/%d" % (a, b, c, len(fp))) for a, b, c, fp in per.values())
        print(row)
    print()
    for (name, full), per in summary_dict.items():
        for label, (a, b, c, fp) in per.items():
            if not fp:
                continue
            print("### %s (%s) on %s: %d FP words" % (name, "full" if full else "basic", label, len(fp)))
            by_entry = defaultdict(list)
            for word, ents in fp:
                by_entry[", ".join(ents)].append(word)
            for ents, ws in sorted(by_entry.items(), key=lambda kv: -len(kv[1])):
                shown = ws[:args.show]
                more = " … (+%d)" % (len(ws) - len(shown)) if len(ws) > len(shown) else ""
                print("  %-22s %3d: %s%s" % (ents, len(ws), " ".join(shown), more))
            print()

    # ---- civil comments
    civil = load_civil(args.corpus)
    print("## Civil comments (should not fire)\n")
    print("%-16s " % "list" + " ".join("%-22s" % ("%s (%d)" % (k, len(v))) for k, v in civil.items()))
    civ_res = OrderedDict()
    for wl in lists:
        row = "%-16s " % wl.name
        for label, texts in civil.items():
            fired = []
            for t in texts:
                nt = norm(t)
                hits = find_hits(wl, nt)
                if hits:
                    fired.append((nt, hits))
            civ_res[(wl.name, label)] = fired
            row += "%-22s " % ("%d = %.2f%%" % (len(fired), 100.0 * len(fired) / max(1, len(texts))))
        print(row)
    print()
    for (name, label), fired in civ_res.items():
        if not fired:
            continue
        print("### %s on %s: %d texts" % (name, label, len(fired)))
        ent_count = Counter(h[0].raw for _, hits in fired for h in hits)
        print("  entries: " + ", ".join("%s×%d" % kv for kv in ent_count.most_common()))
        for nt, hits in fired[:args.show]:
            e, s, t = hits[0]
            print("  - %s" % snippet(nt, s, t))
        print()

    # ---- labelled
    lab = load_labelled(args.corpus)
    print("## Labelled sets (catch rate, informative)\n")
    groups = OrderedDict([
        ("EN abuse (profanity+insults+slurs)", ["en/profanity", "en/insults", "en/slurs"]),
        ("FR abuse (profanity+insults+slurs)", ["fr/profanity", "fr/insults", "fr/slurs"]),
    ])
    names = [w.name for w in lists]
    cols = list(lab.keys())
    print("%-36s " % "list" + " ".join("%-20s" % ("%s(%d)" % (c.replace("davidson-", "dav-"), len(lab[c]))) for c in cols))
    rows = [(n, [n]) for n in names] + [(g, [n for n in ms if n in by_name]) for g, ms in groups.items()]
    normed = {c: [norm(t) for t in lab[c]] for c in cols}
    lab_hits = {}
    for label, members in rows:
        if not members:
            continue
        row = "%-36s " % label
        for c in cols:
            n = 0
            missed = []
            for t in normed[c]:
                if any(find_hits(by_name[m], t) for m in members):
                    n += 1
                else:
                    missed.append(t)
            lab_hits[(label, c)] = missed
            row += "%-20s " % ("%.1f%%" % (100.0 * n / max(1, len(normed[c]))))
        print(row)
    print()
    for label, members in [("en/spam", ["en/spam"]), ("ru/spam", ["ru/spam"])]:
        if label not in by_name:
            continue
        wl = by_name[label]
        cnt = Counter()
        for c in ("youtube-spam", "tg-spam-latin-only", "tg-spam-cyrillic"):
            for t in normed[c]:
                for h in find_hits(wl, t):
                    cnt[h[0].raw] += 1
        print("%s entry hits on spam sets: %s" % (label, ", ".join("%s×%d" % kv for kv in cnt.most_common())))
    print()
    print("done in %.1fs; format errors: %d; probe failures: %d" % (time.time() - t0, bad, pfail))
    return 1 if bad or pfail else 0


if __name__ == "__main__":
    sys.exit(main())
