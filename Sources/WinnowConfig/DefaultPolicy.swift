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
        # Authors tracked at once; beyond it the idle ones are forgotten (88 bytes each).
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
