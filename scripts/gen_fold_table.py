#!/usr/bin/env python3
"""Generate Sources/WinnowText/FoldTable+Data.swift: the per-scalar folding table.

For every non-ASCII Unicode scalar whose folded form differs from itself, the table
holds the folded form. Folding = compatibility decomposition (NFKD, the decomposing
half of NFKC) and removal of nonspacing/enclosing marks (diacritics) and of format
characters (zero-width, bidi, BOM, soft hyphen, tags); then, for each scalar that is
not ASCII, its own TR39 confusables prototype when that is one Latin letter or small
capital (Greek capital 'Η' -> 'h', Cyrillic 'в' -> 'ʙ' -> 'b'), else full case folding
and the prototype of the result, kept only when it folds to printable ASCII (Cyrillic
'а' -> 'a', Greek 'η' -> 'n'). The look comes before case folding because a capital
and its small letter may look different ('Η' is H, 'η' is n); a Cyrillic capital still
folds with its small letter ('Б' 'б' -> '6'), so that Russian lists match either case.
ASCII itself is never remapped by this table (TR39 would turn 'm' into 'rn').

Inputs: Sources/WinnowText/Data/confusables.txt (Unicode, see LICENSE-UNICODE.txt)
and Data/confusables-extra.txt (Winnow's own additions, same format).
Python's unicodedata provides NFKD and case folding; its Unicode version is written
into the generated file.  Run from the repository root: python3 scripts/gen_fold_table.py
"""
import sys
import unicodedata

DATA = "Sources/WinnowText/Data/"
OUT = "Sources/WinnowText/FoldTable+Data.swift"
INDENT = "    "

# Fillers that render as nothing but are letters (Lo), used to pad evasions.
INVISIBLE_LETTERS = {0x115F, 0x1160, 0x3164, 0xFFA0}


def read_confusables(path):
    table = {}
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            src, dst = [f.strip() for f in line.split(";")[:2]]
            table[int(src, 16)] = "".join(chr(int(x, 16)) for x in dst.split())
    return table


def dropped(ch):
    cp = ord(ch)
    if cp in INVISIBLE_LETTERS:
        return True
    return unicodedata.category(ch) in ("Mn", "Me", "Cf")


def base_fold(s):
    for _ in range(3):
        t = unicodedata.normalize("NFKD", s)
        t = "".join(c for c in t if not dropped(c))
        t = t.casefold()
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not dropped(c))
        if t == s:
            break
        s = t
    return s


def printable_ascii(s):
    return s != "" and all(0x20 <= ord(c) < 0x7F for c in s)


# Latin letters that a reader takes for a plain one at chat font sizes but that neither NFKD
# nor TR39 maps to it: small capitals (ᴀ ʙ ꜰ), and letters with a hook, tail, curl, stroke,
# bar or belt that is part of the glyph, not a combining mark (ʂ ɧ ƈ ɗ). By name, so that the
# whole family is covered; only where the result would otherwise stay non-ASCII.
LOOKALIKE_NAME_PARTS = (" WITH HOOK", " WITH RETROFLEX HOOK", " WITH PALATAL HOOK", " WITH TAIL", " WITH CURL",
                        " WITH STROKE", " WITH BAR", " WITH BELT", " WITH MIDDLE TILDE", " WITH LONG LEG",
                        " WITH SWASH TAIL", " WITH LEFT HOOK", " WITH DESCENDER")


def lookalike_by_name(ch):
    name = unicodedata.name(ch, "")
    for prefix in ("LATIN LETTER SMALL CAPITAL ", "LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "):
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        letter = rest.split(" ", 1)[0]
        if len(letter) != 1 or not ("A" <= letter <= "Z"):
            return None
        if prefix == "LATIN LETTER SMALL CAPITAL " and rest == letter:
            return letter.lower()
        if any(rest == letter + part for part in LOOKALIKE_NAME_PARTS):
            return letter.lower()
    return None


def decompose(s):
    """NFKD with marks and format characters removed, to a fixed point: case kept."""
    for _ in range(3):
        t = "".join(c for c in unicodedata.normalize("NFKD", s) if not dropped(c))
        if t == s:
            break
        s = t
    return s


def small_capital(proto):
    """The letter of a Latin small capital prototype (в -> ʙ -> 'b', τ -> ᴛ -> 't'), else None."""
    if len(proto) == 1 and unicodedata.name(proto, "").startswith("LATIN LETTER SMALL CAPITAL "):
        return lookalike_by_name(proto)
    return None


def latin_letter(proto):
    """The lower-case Latin letter that a TR39 prototype reads as, if it is one: a plain letter
    (Greek capital Η -> H -> 'h') or a small capital (в -> ʙ -> 'b')."""
    p = base_fold(proto).lower()
    if len(p) == 1 and "a" <= p <= "z":
        return p
    return small_capital(proto)


def fold_lowered(u, confusables):
    """A scalar folded case first: case folding, then the TR39 prototype of what is not ASCII."""
    out = []
    for c in base_fold(u):
        if ord(c) < 0x80:
            out.append(c)
            continue
        proto = confusables.get(ord(c))
        if proto is not None:
            p = base_fold(proto).lower()
            if printable_ascii(p) and not p.isspace():
                out.append(p)
                continue
            if small_capital(proto) is not None:
                out.append(small_capital(proto))
                continue
        named = lookalike_by_name(c)
        if named is not None:
            out.append(named)
            continue
        out.append(c)
    return "".join(out)


def fold_scalar(u, confusables):
    """A non-ASCII scalar without marks, read by its own look before case folding: a capital and
    its small letter may look different (Greek Η is H, η is n), and TR39 maps each by its own."""
    lowered = fold_lowered(u, confusables)
    proto = confusables.get(ord(u))
    own = latin_letter(proto) if proto is not None else None
    if own is None or own == lowered:
        return lowered
    if own == "l" and proto[0] == "l" and u.lower() != u:
        # Capital I shapes (Ι І Ӏ Ɩ Ⲓ): TR39 takes them for a small l; like Latin I they are i.
        return "i"
    small = u.lower()
    if len(small) == 1 and small != u and unicodedata.name(u, "").startswith("CYRILLIC ") \
            and fold_scalar(small, confusables) != own:
        # A Cyrillic capital folds with its small letter (Б б, Ь ь stay Cyrillic): the Russian
        # word lists must match text in either case.
        return lowered
    return own


def fold(ch, confusables):
    cp = ord(ch)
    cat = unicodedata.category(ch)
    if cat in ("Zs", "Zl", "Zp"):
        return " "
    if 0xAC00 <= cp <= 0xD7A3:          # Hangul syllables: keep, NFKD would split them into jamo
        return ch
    return "".join(u.lower() if ord(u) < 0x80 else fold_scalar(u, confusables) for u in decompose(ch))


def main():
    confusables = read_confusables(DATA + "confusables.txt")
    confusables.update(read_confusables(DATA + "confusables-extra.txt"))
    rows = []
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if unicodedata.category(ch) == "Cn" and cp not in confusables:
            continue
        f = fold(ch, confusables)
        if f != ch:
            rows.append("%X %s" % (cp, " ".join("%X" % ord(c) for c in f)))
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("// Generated by scripts/gen_fold_table.py from Unicode %s character data and\n"
                 "// TR39 confusables.txt (see Data/LICENSE-UNICODE.txt). Do not edit by hand.\n"
                 "// One row per scalar: \"SCALAR [REPLACEMENT...]\" in hex; no replacement means the\n"
                 "// scalar is removed.\n\n" % unicodedata.unidata_version)
        fh.write("let foldTableUnicodeVersion = \"%s\"\n\n" % unicodedata.unidata_version)
        # Indented as swift-format leaves a multi-line string literal: rows and closing quotes
        # by 4 spaces (the indentation before the closing quotes is not part of the string).
        fh.write("let foldTableRows = \"\"\"\n")
        fh.write("".join(INDENT + row + "\n" for row in rows))
        fh.write(INDENT + "\"\"\"\n")
    print("%d rows -> %s" % (len(rows), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
