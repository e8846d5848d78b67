extension PolicyFile {
    /// The built-in policy written out as a policy file: `winnow config default` prints it,
    /// and a test checks that it reads back as exactly `Configuration.default`.
    public static let defaultText = """
        # Winnow policy. Every key is optional: what is left out keeps the value shown here.
        # Durations: 500ms, 10s, 5m, 2h, 1d. Rates: N/DURATION, e.g. 5/10s, or '20/1m burst 5'; `off`.

        # Time the window rules run on: wall (when the event is judged) or event (its `ts`).
        # Left out: `filter` and `serve` use wall, `replay` uses event.
        # clock: wall
        # On event time, how far behind the latest `ts` an event is still judged at its own.
        late_tolerance: 5s
        # Authors tracked at once; beyond it the idle ones are forgotten (104 bytes each).
        max_authors: 1000000
        # Roles exempt from rate limits, slow-mode and escalation.
        exempt_roles: [moderator, admin]
        # Compute everything but answer allow, with the would-be action in `would`.
        dry_run: false

        stopwords:
          dry_run: false
          # Per category, an action instead of the lists' own: allow, annotate, flag, censor, hold, reject.
          categories: {}

        rate_limits:
          author: 5/10s
          author_channel: off
          channel: off
          action: reject
          dry_run: false

        slow_mode:
          interval: 0s
          action: reject
          dry_run: false

        # repeat: the same author posting the same or nearly the same text again within the window.
        # min_matches: equal values of 8 in the word-set sketch of the uncommon words for "nearly
        # the same" (8 or more uncommon words; one more for 5 to 7; shorter and generic comments
        # need the same words).
        repeat:
          enabled: true
          window: 1m
          min_matches: 5
          action: reject
          dry_run: false

        # flood: the same or nearly the same unusual text from many distinct authors within the
        # window: `authors`, or `authors_with_links` for a text with a link or a mention;
        # min_words uncommon words at least (greetings and praise are not campaigns);
        # min_matches: equal values of 8 in the word-set sketch for "a copy".
        flood:
          enabled: true
          window: 1m
          authors: 5
          authors_with_links: 4
          min_words: 3
          min_matches: 4
          action: reject
          participant_action: flag
          dry_run: false

        # raid: a burst of first-seen authors in one channel (factor times the usual, at least
        # min_newcomers); switches slow-mode on in the channel until cool_down after the burst.
        raid:
          enabled: true
          window: 1m
          min_newcomers: 20
          factor: 5
          warm_up_windows: 3
          slow_mode: 10s
          cool_down: 5m
          action: flag
          dry_run: false

        # links and mentions: too many, link shorteners, disguised links, links from new authors.
        # A new author's link is held when something else in the comment looks like spam (a
        # shortener, a disguised link, too many links or mentions, a spam-list phrase, a spam score
        # of at least 0.5), and only flagged (new_author_alone) when the link is the only sign.
        links:
          enabled: true
          max_links: 2
          max_mentions: 5
          new_author_window: 10m
          new_author_alone: flag
          shorteners: [bit.ly, tinyurl.com, goo.gl, ow.ly, is.gd, buff.ly, cutt.ly, rb.gy, shorturl.at, tiny.cc, t.ly, rebrand.ly, bl.ink, s.id, v.gd, shorte.st, adf.ly, bitly.com, lnkd.in, qr.ae, soo.gd, clck.ru, tinyurl.ru, u.to]
          action: hold
          dry_run: false

        # noise: walls of capitals, of one character, or of emoji and symbols, and zalgo — not
        # excitement ("ILOVETHISSONG", "sooooo good!!!!!", a row of emoji pass).
        noise:
          enabled: true
          caps_ratio: 0.7
          min_letters: 40
          max_run: 50
          symbol_ratio: 0.6
          min_characters: 40
          max_marks: 3
          action: flag
          dry_run: false

        # classifier: a learned score per label (model: bundled, or a path relative to this file),
        # each label's actions from a score threshold on (the highest reached wins). Off until
        # its thresholds are measured on your own comments (docs/classifier.md).
        classifier:
          enabled: false
          model: bundled
          labels:
            spam: {hold: 0.9, reject: 0.99}
            toxic: {flag: 0.9}
          features: 5
          dry_run: false

        # Strikes lead to timeouts, timeouts to a ban. A strike: a verdict at least as strong as
        # strike_action, asked for by one of strike_rules (not by rate limits or slow-mode).
        escalation:
          enabled: true
          dry_run: false
          strike_action: reject
          strike_rules: [stopword, repeat, flood, links]
          strikes: 3
          window: 10m
          timeout: 10m
          ban_after_timeouts: 3
          ban_duration: 1d

        # Per channel: rate_limits and slow_mode, on top of the defaults above.
        channels: {}

        """
}
