import Synchronization
import NIOConcurrencyHelpers
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules

/// `SharedWindows` in Redis: rate limits of every scope and penalties, for `--shared`.
///
/// One event is one `EVALSHA` of `eventScript`: the author's penalty, then the rate limits from
/// the narrowest to the widest, in one atomic step and one round trip. Keys (`PREFIX:p:…`
/// penalties, `PREFIX:a:…` an author's windows, `PREFIX:rb:…` rate limits) hold the engine's
/// stable hashes in hex and expire when their state stops mattering: a penalty when it ends, a
/// rate limit's theoretical arrival time when it has passed, an author's windows when the
/// longest of them has. Numbers are stored packed (`struct.pack`), never as text. One
/// connection, behind a lock: calls from several threads take turns.
public final class RedisWindows: SharedWindows {
    private let connection: NIOLockedValueBox<Connection>
    public let prefix: String
    public let address: SharedAddress

    /// Only ever used under the lock.
    private struct Connection: @unchecked Sendable {
        let redis: RedisConnection
        var scripts: Scripts

        /// Runs a script by its SHA1 (`command[1]`, filled in here); when Redis lost its scripts
        /// (a restart) the call did not run: they are loaded again and it runs once.
        mutating func run(bytes command: inout [[UInt8]], _ sha: (Scripts) -> String) throws(SharedError)
            -> RedisReply
        {
            command[1] = Array(sha(scripts).utf8)
            let reply = try redis.command(bytes: command)
            guard case .error(let message) = reply, message.hasPrefix("NOSCRIPT") else { return reply }
            scripts = try RedisWindows.load(redis)
            command[1] = Array(sha(scripts).utf8)
            return try redis.command(bytes: command)
        }

        mutating func run(_ command: [String], _ sha: (Scripts) -> String) throws(SharedError) -> RedisReply {
            var bytes = command.map { Array($0.utf8) }
            return try run(bytes: &bytes, sha)
        }
    }

    /// How far this instance's own time goes back — the late tolerance on event time: an event
    /// up to that far behind the latest is judged at its own time — plus a second for clocks
    /// that disagree a little. A window's state further ahead of an event than the limit (or the
    /// slow-mode) could ever put it was written by an instance ahead in time.
    public var aheadMargin: Micros { margin.load(ordering: .relaxed) }
    private let margin = Atomic<Micros>(6 * Micros.perSecond)

    public init(_ address: SharedAddress, prefix: String = "winnow", timeoutMilliseconds: Int = 500)
        throws(SharedError)
    {
        self.address = address
        self.prefix = prefix
        let redis = try RedisConnection(address, timeoutMilliseconds: timeoutMilliseconds)
        connection = NIOLockedValueBox(Connection(redis: redis, scripts: try Self.load(redis)))
    }

    /// Any number of events, in order, each in the same atomic step (a script runs alone on
    /// the server), each as the engine's window rules decide locally. Per event, five KEYS:
    /// penalty, the author's windows (`authorFormat`: author limit, repeat, flood mark),
    /// author-in-channel rate, channel rate, slow-mode (author in channel); ARGV[1] is the key
    /// prefix (for the campaign index and the campaigns, found from the comment's sketch),
    /// ARGV[2] `aheadMargin`, ARGV[3] how long an author's value is kept (s,
    /// `authorKeepSeconds`), then one per event, its numbers
    /// packed as `argumentFormat` lays them out: now (µs), exempt (1 or 0), interval
    /// and tolerance (µs) of each of the three limits (0 0: off), the slow-mode interval (0:
    /// off), the repeat window and the values needed for this comment (0: off), the comment's
    /// words and sketch, the flood window (0: off), the authors that make this comment's campaign
    /// a flood, whether it can be a copy (1 or 0), the values needed, the four fields of the
    /// sketch's bands in the campaign index (as four-byte field names), and the authors past which a participant of a
    /// recognised campaign is flagged, what the repeat keeps of the comment and its number
    /// (its words, with `SmallWordSet.marker`, and its words in all when few, else its sketch
    /// and its sketched words: `RepeatRule.keepsWords`), its words in all, and its words'
    /// 11-bit values (how many, at most 15, then 15 slots). What depends on the comment alone is decided by the rules in Swift and sent
    /// along. Per event, nine values back: three
    /// for the penalty and limits — 1, the penalty, 0 for a penalty in force (nothing else is
    /// counted); 2, the scope (1 to 3), µs to wait for the first limit the event is over (the
    /// wider ones are then not counted); 0, the headroom, 0 otherwise — how many more events
    /// the author's limits would let through right now (0 when the channel's own limit is on:
    /// other authors share it; `maxHeadroom` when no limit is on); then µs too early for
    /// slow-mode; the repeat's copies, most equal values and newest age (s); the flood's kind
    /// (1 a copy refused, 2 a participant flagged) and its campaign's authors. One call for a
    /// whole chunk costs Redis far less than one per event (the script's start-up is most of a
    /// small call's cost).
    public static let eventScript = """
        local prefix = ARGV[1]
        local aheadMargin = tonumber(ARGV[2])
        local authorKeep = ARGV[3]
        local index = prefix .. ':fi'
        local function matching(x, y)
          local equal = 0
          for i = 1, 8 do
            if x % 64 == y % 64 then equal = equal + 1 end
            x, y = math.floor(x / 64), math.floor(y / 64)
          end
          return equal
        end
        local function second(t) return t - t % 1000000 end
        local function number(bytes) return struct.unpack('<d', bytes) end
        local function millis(us) return string.format('%d', math.floor(us / 1000) + 1) end
        -- Repeat by words (RepeatRule.wordsMatch): 8 for the same words, -k for all but k of
        -- the larger set with two in common (k at most one, two from eight words in all), nil
        -- otherwise.
        local function nearList(mine, theirs, allWordsMine, allWordsTheirs)
          if #mine == 0 then return nil end
          local allowed = 1
          if math.max(allWordsMine, allWordsTheirs) >= 8 then allowed = 2 end
          if math.abs(allWordsMine - allWordsTheirs) > allowed then return nil end
          local shared = 0
          for i = 1, #theirs do
            for j = 1, #mine do
              if mine[j] == theirs[i] then
                shared = shared + 1
                break
              end
            end
          end
          if shared == #theirs and shared == #mine then return 8 end
          local missing = math.max(#theirs, #mine) - shared
          if shared >= 2 and missing <= allowed then return -missing end
          return nil
        end
        -- The words kept in an author's recent comment (four 11-bit values at most).
        local function keptWords(stored)
          local list = {}
          for i = 1, 4 do
            local v = stored % 2048
            stored = math.floor(stored / 2048)
            if v == 0 then break end
            list[#list + 1] = v
          end
          return list
        end
        -- SlidingCount: the fixed windows moved on to the one holding now; the estimate at now.
        local function advanced(p, c, s, now, w)
          if (c == 0 and p == 0) or now < s then return 0, 0, second(now) end
          local elapsed = now - s
          if elapsed < w then return p, c, s end
          if elapsed < 2 * w then return c, 0, s + w end
          return 0, 0, second(now)
        end
        local function current(p, c, s, now, w)
          p, c, s = advanced(p, c, s, now, w)
          return c + math.floor(p * math.max(0, 1 - (now - s) / w))
        end
        -- A campaign (its representative sketch's 8 bytes): its sliding count and whether a
        -- copy was refused, packed '<dddd'.
        local function campaign(rep)
          local key = prefix .. ':fb:' .. rep
          local stored = redis.call('GET', key)
          if not stored then return key, 0, 0, 0, 0 end
          local p, c, s, r = struct.unpack('<dddd', stored)
          return key, p, c, s, r
        end
        -- The campaign index's representative for a first copy's sketch, as
        -- CampaignIndex.registered(tag:) finds it: the entry of band 2 (values 4 to 6), if it
        -- still holds a sketch with the same values 4 to 7.
        local function registeredFor(sketch)
          local bits = math.floor(sketch / 16777216) % 262144
          local field = 131072 + bit.band(bit.bxor(bits, math.floor(bits / 65536)), 65535)
          local stored = redis.call('HGET', index, struct.pack('<I4', field))
          if stored then
            local candidate = number(stored)
            if candidate ~= 0 and math.floor(candidate / 16777216) % 16777216 == math.floor(sketch / 16777216) % 16777216 then
              return stored
            end
          end
          return nil
        end
        -- Whether a mark (kind 1 a campaign's, 2 before a first copy's; its second) was left
        -- within the window, at second `nowSecond`.
        local function live(kind, markSecond, nowSecond, floodWindow)
          if kind == 0 then return false end
          local age = nowSecond - markSecond
          return age >= 0 and age < math.floor(floodWindow / 1000000)
        end
        local out = {}
        for e = 0, #KEYS / 5 - 1 do
          -- The event's numbers in one argument (`argumentFormat`): one call reads them all.
          local k = e * 5
          local A = {struct.unpack('\(RedisWindows.argumentFormat)', ARGV[4 + e])}
          local now = A[1]
          local exempt = A[2] == 1
          local r1, r2, r3 = 0, \(maxHeadroom), 0
          local slowWait, repCopies, repMost, repNewest, floodKind, floodCopies = 0, 0, -100, 0, 0, 0
          -- Every key of the event in one read (a key that is off is '-', never set).
          local got = redis.call('MGET', KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5])
          -- The author's windows, one value (`authorFormat`): the author limit's arrival time,
          -- the repeat's three slots (kept, words, second + 1; 0: empty) and last comment
          -- (second, words in all, count, 15 word values), the flood mark (kind, campaign,
          -- second). While neither repeat nor flood is on, the arrival time alone (8 bytes).
          local full = A[10] > 0 or A[14] > 0
          local S
          if got[2] and #got[2] > 8 then
            S = {struct.unpack('\(RedisWindows.authorFormat)', got[2])}
            S[32] = nil
            full = true
          elseif full then
            S = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
            if got[2] then S[1] = number(got[2]) end
          else
            S = {0}
            if got[2] then S[1] = number(got[2]) end
          end
          local dirty = false
          local penalty = got[1]
          if penalty then
            local ends = tonumber(string.match(penalty, '^(%d+)'))
            if ends == \(Penalty.forever) or ends > now then r1, r2 = 1, penalty end
          end
          if exempt then r2 = 0 end
          if r1 == 0 and not exempt then
            for i = 1, 3 do
              local interval = A[1 + 2 * i]
              if interval > 0 then
                local tolerance = A[2 + 2 * i]
                local tat = 0
                if i == 1 then
                  tat = S[1]
                elseif got[1 + i] then
                  tat = number(got[1 + i])
                end
                -- Beyond what any event at or before now could have put there: written by an
                -- instance ahead in event time. Its events are later than this one and do not
                -- count against it; this one does not move the state back either.
                local ahead = tat - now > tolerance + interval + aheadMargin
                local start = math.max(tat, now)
                if ahead then start = now end
                if start - now > tolerance then
                  r1, r2, r3 = 2, i, start - tolerance - now
                  break
                end
                local new = start + interval
                if not ahead then
                  if i == 1 then
                    S[1], dirty = new, true
                  else
                    redis.call('SET', KEYS[k + 1 + i], struct.pack('<d', new), 'PX', millis(new - now))
                  end
                end
                local room = 0
                if i < 3 and tolerance >= new - now then room = math.floor((tolerance - (new - now)) / interval) + 1 end
                if room < r2 then r2 = room end
              end
            end
          end
          if r1 ~= 1 and not exempt then
            -- Slow-mode: once per interval in the channel; only a comment let through starts one.
            local slow = A[9]
            if slow > 0 then
              local t = math.max(1, now)
              local last = 0
              if got[5] then last = number(got[5]) end
              if last - t > aheadMargin then
                -- A comment of an instance ahead in event time: later than this one, and kept.
              elseif last ~= 0 and t - last < slow then
                slowWait = last + slow - t
              else
                redis.call('SET', KEYS[k + 5], struct.pack('<d', t), 'PX', millis(slow))
              end
            end
            -- Repeat: the author's last three sketches with their whole seconds (RepeatRule; the
            -- values needed, from the comment alone, come with the request).
            local repeatWindow = A[10]
            local words = A[12]
            local sketch = A[13]
            if repeatWindow > 0 and words > 0 then
              local sec = math.floor(now / 1000000)
              local w = math.min(words, 15)
              local needed = A[11]
              local windowSeconds = math.floor(repeatWindow / 1000000)
              local keep, keepWords = A[23], A[24]
              local mine = {}
              for j = 1, A[26] do mine[j] = A[26 + j] end
              local allWordsFull = A[25]
              local allWords = math.min(allWordsFull, 15)
              local marker = 140737488355328 -- 2^47: kept as words
              local plainSketch = sketch
              if plainSketch >= marker then plainSketch = plainSketch - marker end
              local oldest, oldestAge = 1, -1
              repNewest = 4096
              local lastAge = -1
              -- 0: the last comment by its words (first: an entry of the same age is that
              -- comment, compared already); 1 to 3: the slots.
              for i = 0, 3 do
                local equal, age
                if i == 0 then
                  local count = S[13]
                  if #mine > 0 and count > 0 then
                    local theirs = {}
                    for j = 1, count do theirs[j] = S[13 + j] end
                    age = math.max(0, sec - S[11])
                    if age < windowSeconds then
                      lastAge = age
                      equal = nearList(mine, theirs, allWordsFull, S[12])
                    end
                  end
                else
                  local base = 3 * i - 1
                  local es, ew, stamp = S[base], S[base + 1], S[base + 2]
                  age = 1e18
                  if stamp ~= 0 then age = math.max(0, sec - (stamp - 1)) end
                  if age >= oldestAge then oldestAge, oldest = age, i end
                  if stamp ~= 0 and age < windowSeconds and age ~= lastAge then
                    if es >= marker then
                      equal = nearList(mine, keptWords(es - marker), allWords, ew)
                    else
                      local longer, shorter = math.max(w, ew), math.min(w, ew)
                      if longer - shorter <= math.max(1, math.floor(longer / 4)) then
                        equal = matching(es, plainSketch)
                      end
                    end
                  end
                end
                if equal and (equal >= needed or equal < 0) then
                  repCopies = repCopies + 1
                  if equal > repMost then repMost = equal end
                  if age < repNewest then repNewest = age end
                end
              end
              local base = 3 * oldest - 1
              S[base], S[base + 1], S[base + 2] = keep, keepWords, sec + 1
              S[11], S[12], S[13] = sec, allWordsFull, #mine
              for j = 1, 15 do S[13 + j] = mine[j] or 0 end
              dirty = true
            end
            -- Flood: the campaign through the sketch's bands, its authors on a sliding window (FloodRule).
            local floodWindow = A[14]
            if floodWindow > 0 then
              local authors = A[15]
              local nowSecond = math.floor(now / 1000000)
              local refused = false
              -- The mark before this comment, and the one this comment left (kind 0: none).
              local oldKind, oldRep, oldSecond = S[29], S[30], S[31]
              local setKind, setRep, setSecond = 0, 0, 0
              -- Whether the comment can be a copy (FloodRule.counts) comes with the request.
              if A[16] == 1 then
                local minMatches = A[17]
                local rep = nil
                local f1, f2, f3, f4 = A[18], A[19], A[20], A[21]
                local bands = redis.call('HMGET', index, f1, f2, f3, f4)
                for b = 1, 4 do
                  if bands[b] then
                    local c = number(bands[b])
                    if c ~= 0 and matching(c, sketch) >= minMatches then
                      rep = bands[b]
                      break
                    end
                  end
                end
                local registered = rep or struct.pack('<d', sketch)
                redis.call('HSET', index, f1, registered, f2, registered, f3, registered, f4, registered)
                if rep then
                  local key, p, c, s, r = campaign(registered)
                  local changed = false
                  if repCopies == 0 then
                    local fresh = current(p, c, s, now, floodWindow) == 0
                    p, c, s = advanced(p, c, s, now, floodWindow)
                    if fresh then c = c + 2 else c = c + 1 end
                    changed = true
                  end
                  local copies = current(p, c, s, now, floodWindow)
                  if copies >= 2 then
                    setKind, setRep, setSecond = 1, number(registered), nowSecond
                  end
                  if copies >= authors then
                    refused = true
                    floodKind, floodCopies = 1, copies
                    if r == 0 then r, changed = 1, true end
                  end
                  if changed then
                    redis.call('SET', key, struct.pack('<dddd', p, c, s, r), 'PX', millis(2 * floodWindow + 999000))
                  end
                elseif not live(oldKind, oldSecond, nowSecond, floodWindow) then
                  -- A first copy: its author is flagged too once the campaign is recognised
                  -- (FloodRule.firstCopySlot), unless a live mark names a campaign they joined.
                  setKind, setRep, setSecond = 2, number(registered), nowSecond
                end
                if setKind ~= 0 then
                  S[29], S[30], S[31], dirty = setKind, setRep, setSecond, true
                end
              end
              if not refused then
                -- The mark left before this comment, then one this comment left (a copy of a
                -- campaign recognised earlier). Flagged once: the mark is spent, unless this
                -- comment left one of its own.
                for i = 1, 2 do
                  local kind, mrep, msecond = oldKind, oldRep, oldSecond
                  if i == 2 then
                    kind, mrep, msecond = setKind, setRep, setSecond
                    if kind == 2 then kind = 0 end
                  end
                  local rep = nil
                  if floodKind == 0 and live(kind, msecond, nowSecond, floodWindow) then
                    if kind == 2 then rep = registeredFor(mrep) else rep = struct.pack('<d', mrep) end
                  end
                  if rep then
                    local _, p, c, s, r = campaign(rep)
                    local copies = current(p, c, s, now, floodWindow)
                    if r == 1 and copies >= A[22] then
                      floodKind, floodCopies = 2, copies
                      if setKind == 0 or (kind == setKind and mrep == setRep and msecond == setSecond) then
                        S[29], dirty = 0, true
                      end
                    end
                  end
                end
              end
            end
          end
          if dirty then
            local value
            if full then value = struct.pack('\(RedisWindows.authorFormat)', unpack(S)) else value = struct.pack('<d', S[1]) end
            redis.call('SET', KEYS[k + 2], value, 'EX', authorKeep)
          end
          local n = #out
          out[n + 1], out[n + 2], out[n + 3] = r1, r2, r3
          out[n + 4], out[n + 5], out[n + 6], out[n + 7], out[n + 8], out[n + 9] =
            slowWait, repCopies, repMost, repNewest, floodKind, floodCopies
        end
        return out
        """

    /// Strikes in order, each as `Escalation.apply` counts it locally: a fixed window from the
    /// first strike (its start kept in whole seconds), reset when the threshold is reached; the
    /// timeouts so far decide between a timeout and a ban. A strike of an author under a penalty
    /// in force is not counted (locally the penalty would have been the event's whole answer).
    /// The event's key goes into a set first: a key seen before is not counted again. Per
    /// strike, KEYS: state hash (count, start, timeouts), set of counted event keys, penalty;
    /// ARGV: now, event key, window, strikes, timeout, ban after (0: never), ban duration (-1:
    /// forever), quiet (1: impose nothing), how long (ms) the timeouts are remembered. Per
    /// strike, four values back: 0 already counted, 1 counted, 2 threshold reached, 3 under a
    /// penalty; then for 2 and 3 the penalty's end, kind and timeouts.
    static let strikeScript = """
        local out = {}
        for e = 0, #KEYS / 3 - 1 do
          local k, a = e * 3, e * 9
          local now = tonumber(ARGV[a + 1])
          local window = tonumber(ARGV[a + 3])
          local windowMillis = math.floor(window / 1000) + 1
          local r = {1, 0, 0, 0}
          local penalty = redis.call('GET', KEYS[k + 3])
          local ends, kind, given = 0, 0, 0
          if penalty then
            local e1, k1, t1 = string.match(penalty, '^(%d+) (%d+) (%d+)')
            ends, kind, given = tonumber(e1), tonumber(k1), tonumber(t1)
          end
          if penalty and kind > 0 and (ends == \(Penalty.forever) or ends > now) then
            r = {3, ends, kind, given}
          elseif redis.call('SADD', KEYS[k + 2], ARGV[a + 2]) == 0 then
            r = {0, 0, 0, 0}
          else
            redis.call('PEXPIRE', KEYS[k + 2], windowMillis)
            local state = redis.call('HMGET', KEYS[k + 1], 'count', 'start', 'timeouts')
            local count = tonumber(state[1] or '0')
            local start = tonumber(state[2] or '0')
            local timeouts = tonumber(state[3] or '0')
            local second = now - now % 1000000
            if count == 0 or now - start >= window or now < start then
              count, start = 1, second
            else
              count = count + 1
            end
            local keep = math.max(tonumber(ARGV[a + 9]), windowMillis)
            if count < tonumber(ARGV[a + 4]) then
              redis.call('HSET', KEYS[k + 1], 'count', count, 'start', string.format('%d', start))
            else
              redis.call('HSET', KEYS[k + 1], 'count', 0, 'start', string.format('%d', second))
              if given > timeouts then timeouts = given end
              timeouts = timeouts + 1
              local newKind, newEnds = 1, now + tonumber(ARGV[a + 5])
              local banAfter = tonumber(ARGV[a + 6])
              if banAfter > 0 and timeouts >= banAfter then
                newKind = 2
                local duration = tonumber(ARGV[a + 7])
                if duration < 0 then newEnds = \(Penalty.forever) else newEnds = now + duration end
              end
              if ARGV[a + 8] ~= '1' then
                redis.call('HSET', KEYS[k + 1], 'timeouts', timeouts)
                local text = string.format('%d %d %d', newEnds, newKind, timeouts)
                if newEnds == \(Penalty.forever) then
                  redis.call('SET', KEYS[k + 3], text)
                else
                  redis.call('SET', KEYS[k + 3], text, 'PX', math.floor((newEnds - now + 999) / 1000))
                end
              end
              r = {2, newEnds, newKind, timeouts}
            end
            redis.call('PEXPIRE', KEYS[k + 1], keep)
          end
          for i = 1, 4 do out[#out + 1] = r[i] end
        end
        return out
        """

    /// How long an author's count of timeouts is remembered after their last strike (what
    /// turns the n-th timeout into a ban; locally it lasts as long as the author is tracked).
    public static let timeoutMemoryMilliseconds = 24 * 3600 * 1000

    private static func load(_ redis: RedisConnection) throws(SharedError) -> Scripts {
        func load(_ script: String) throws(SharedError) -> String {
            let reply = try redis.command(["SCRIPT", "LOAD", script])
            guard case .bulk = reply, let sha = reply.text else {
                throw SharedError("\(redis.address): SCRIPT LOAD failed: \(reply)")
            }
            return sha
        }
        return Scripts(event: try load(eventScript), strike: try load(strikeScript))
    }

    /// The scripts' SHA1s, as Redis knows them.
    private struct Scripts {
        var event: String
        var strike: String
    }

    public func penaltyKey(author: UInt64) -> String { Self.penaltyKey(prefix: prefix, author: author) }

    static func penaltyKey(prefix: String, author: UInt64) -> String {
        penaltyKey(prefix: prefix, authorHex: hex(author))
    }

    /// Keys from the author's hash already in hex: an event's two author keys share one `hex`.
    private static func penaltyKey(prefix: String, authorHex: String) -> String { "\(prefix):p:\(authorHex)" }
    private static func authorKey(prefix: String, authorHex: String) -> String { "\(prefix):a:\(authorHex)" }

    /// The key of one rate limit's state (its theoretical arrival time, a packed double): scope
    /// (`ac` author in channel, `c` channel; the author's own limit is in `authorKey`'s value),
    /// the scope's hash, and the limit itself, so that a changed limit starts afresh instead of
    /// misreading the old one's state.
    public func rateKey(_ scope: String, _ key: UInt64, _ limit: RateLimit) -> String {
        "\(prefix):rb:\(scope):\(Self.hex(key)):\(limit.interval):\(limit.tolerance)"
    }

    /// The key of an author's windows (`authorFormat`).
    public func authorKey(author: UInt64) -> String { Self.authorKey(prefix: prefix, authorHex: Self.hex(author)) }

    /// Sets `aheadMargin` from this instance's late tolerance.
    public func setLateTolerance(_ tolerance: Micros) {
        margin.store(max(0, tolerance) + Micros.perSecond, ordering: .relaxed)
    }

    /// Whether the connection is up (it is dropped on an error and made again on the next call).
    public var isConnected: Bool { connection.withLockedValue { $0.redis.isConnected } }

    private static let scopes = ["author", "author_channel", "channel"]

    /// One event's numbers in the event script's arguments (`struct.unpack`, little-endian):
    /// now, exempt, the three limits' interval and tolerance, slow-mode, the repeat's window,
    /// values needed, words and sketch, the flood's window, authors needed, whether a copy,
    /// values needed, the four bands' fields, the participants' authors, what the repeat keeps
    /// and its words, the words in all (doubles); how many word values (a byte) and fifteen
    /// 16-bit word values. One call reads them, where 26 text arguments each took a `tonumber`.
    static let argumentFormat =
        "<" + String(repeating: "d", count: 17) + String(repeating: "c4", count: 4) + String(repeating: "d", count: 4)
        + "B" + String(repeating: "H", count: 15)
    static let argumentSize = 21 * 8 + 4 * 4 + 1 + 15 * 2

    /// An author's windows in one value (`PREFIX:a:AUTHOR`, `struct.pack`, little-endian): the
    /// author limit's theoretical arrival time; the repeat's three slots (what it keeps of a
    /// comment, its words, its second + 1, 0 when empty) and the last comment's words (its
    /// second, words in all, how many values, fifteen 16-bit values); the flood mark (kind —
    /// 0 none, 1 a recognised campaign's, 2 a first copy's —, the campaign's sketch, its
    /// second). One read and one write per event where there were three keys, each a number
    /// turned into text and back (printf and strtod were a quarter of Redis's instructions).
    /// While neither repeat nor flood has been on for the author, the arrival time alone (one
    /// double): packing 31 fields for one cost the limits-only policy 7k instructions an event.
    static let authorFormat =
        "<" + String(repeating: "d", count: 12) + "B" + String(repeating: "H", count: 15) + "B" + "dd"

    /// How long an author's value outlives their last event, in seconds: the longest of the
    /// repeat's memory (4096 s, as `RepeatRule` keeps a comment), the author limit's window and
    /// the flood window, a second added. A stale part in it is told apart by its own time.
    static func authorKeepSeconds(_ requests: [SharedRequest]) -> Int64 {
        var longest: Micros = 4096 * Micros.perSecond
        for request in requests {
            if let limit = request.limits.author { longest = max(longest, limit.interval + limit.tolerance) }
            if let flood = request.flood { longest = max(longest, flood.window) }
            if let rule = request.repeatRule { longest = max(longest, rule.window) }
        }
        return Int64(longest / Micros.perSecond) + 1
    }

    /// The headroom reported when no limit is on.
    public static let maxHeadroom = 1_000_000

    public func check(_ requests: [SharedRequest]) throws -> [SharedCheck] {
        guard !requests.isEmpty else { return [] }
        // EVALSHA, the script (filled in under the lock), the number of keys, the keys, the values.
        var command: [[UInt8]] = [Array("EVALSHA".utf8), [], Array(String(5 * requests.count).utf8)]
        var values: [[UInt8]] = [
            Array(prefix.utf8), Array(String(aheadMargin).utf8), Array(String(Self.authorKeepSeconds(requests)).utf8),
        ]
        command.reserveCapacity(3 + 5 * requests.count + 3 + requests.count)
        values.reserveCapacity(3 + requests.count)
        func key(_ text: String) { command.append(Array(text.utf8)) }
        for request in requests {
            // The event's numbers, as `argumentFormat` lays them out (every one an integer below
            // 2^53: exact as a double).
            var numbers: [UInt8] = []
            numbers.reserveCapacity(Self.argumentSize)
            func number<N: BinaryInteger>(_ value: N) {
                withUnsafeBytes(of: Double(value).bitPattern.littleEndian) { numbers.append(contentsOf: $0) }
            }
            func limit(_ scope: String, _ keyValue: UInt64, _ limit: RateLimit?) {
                // A limit that is off is never read: no key to build for it.
                key(limit.map { rateKey(scope, keyValue, $0) } ?? "-")
                number(limit?.interval ?? 0)
                number(limit?.tolerance ?? 0)
            }
            let authorHex = Self.hex(request.author)
            key(Self.penaltyKey(prefix: prefix, authorHex: authorHex))
            let authorWindows = request.limits.author != nil || request.repeatRule != nil || request.flood != nil
            key(authorWindows ? Self.authorKey(prefix: prefix, authorHex: authorHex) : "-")
            number(request.now)
            number(request.isExempt ? 1 : 0)
            number(request.limits.author?.interval ?? 0)
            number(request.limits.author?.tolerance ?? 0)
            limit("ac", request.pair, request.limits.authorInChannel)
            limit("c", request.channel, request.limits.channel)
            key(request.slowMode > 0 ? "\(prefix):sb:\(Self.hex(request.pair))" : "-")
            number(request.slowMode)
            number(request.repeatRule?.window ?? 0)
            // What the rules decide from the comment alone is decided here, once, for both paths.
            number(request.repeatRule?.needed(for: request.fingerprint) ?? 0)
            number(request.fingerprint.words)
            number(request.fingerprint.wordSet & 0xFFFF_FFFF_FFFF)
            number(request.flood?.window ?? 0)
            number(request.flood?.authorsNeeded(spamSignal: request.spamSignal) ?? 0)
            let canCopy =
                request.flood?.counts(
                    request.fingerprint, spamSignal: request.spamSignal, unusualWords: request.unusualWords) ?? false
            number(canCopy ? 1 : 0)
            number(request.flood?.needed(for: request.fingerprint) ?? 0)
            // The bands' fields as the index's field names: four bytes each, used as they come.
            for band in 0..<4 {
                let field = UInt32(truncatingIfNeeded: CampaignIndex.index(band, request.fingerprint.wordSet))
                withUnsafeBytes(of: field.littleEndian) { numbers.append(contentsOf: $0) }
            }
            number(request.flood?.authorsNeeded(spamSignal: true) ?? 0)
            // The repeat's words (see RepeatRule.evaluate).
            let kept = RepeatRule.kept(request.fingerprint)
            number(kept & 0xFFFF_FFFF_FFFF)
            number(kept >> 48)
            number(request.fingerprint.allWords)
            let words = request.fingerprint.wordValues.values.prefix(15)
            numbers.append(UInt8(words.count))
            for slot in 0..<15 {
                let value = slot < words.count ? UInt16(truncatingIfNeeded: words[words.startIndex + slot]) : 0
                withUnsafeBytes(of: value.littleEndian) { numbers.append(contentsOf: $0) }
            }
            values.append(numbers)
        }
        command.append(contentsOf: values)
        let reply = try connection.withLockedValue { (connection: inout Connection) throws(SharedError) -> RedisReply in
            try connection.run(bytes: &command, \.event)
        }
        guard case .array(let parts) = reply, parts.count == 9 * requests.count else {
            throw SharedError("\(address): unexpected reply to the event script: \(reply)")
        }
        return try requests.indices.map { k throws(SharedError) in
            var check = try decode(parts[9 * k], parts[9 * k + 1], parts[9 * k + 2], for: requests[k])
            // The six numbers after the first three: slow-mode, repeat, flood.
            func number(_ offset: Int) throws(SharedError) -> Int {
                guard case .integer(let value) = parts[9 * k + 3 + offset] else {
                    throw SharedError("\(address): unexpected reply to the event script: \(reply)")
                }
                return Int(value)
            }
            check.slowModeWait = Micros(try number(0))
            let copies = try number(1)
            if copies > 0 { check.repeated = (copies, try number(2), try number(3)) }
            let flood = try number(4)
            if flood > 0 { check.flood = (try number(5), flood == 2) }
            return check
        }
    }

    private func decode(_ outcome: RedisReply, _ first: RedisReply, _ second: RedisReply, for request: SharedRequest)
        throws(SharedError) -> SharedCheck
    {
        switch (outcome, first, second) {
        case (.integer(0), .integer(let headroom), _):
            return SharedCheck(headroom: Int(headroom))
        case (.integer(1), let penalty, _):
            if let text = penalty.text, let penalty = Self.penalty(text) { return SharedCheck(penalty: penalty) }
        case (.integer(2), .integer(let scope), .integer(let wait)):
            let limits = [request.limits.author, request.limits.authorInChannel, request.limits.channel]
            if (1...3).contains(scope), let limit = limits[Int(scope) - 1] {
                return SharedCheck(limited: (Self.scopes[Int(scope) - 1], limit, Micros(wait)))
            }
        default:
            break
        }
        throw SharedError("\(address): unexpected reply to the event script: \([outcome, first, second])")
    }

    /// Sets (or lifts) an author's penalty, and writes it to the penalty log (`PenaltyFeed`)
    /// that instances keeping their windows to themselves read once per batch.
    public func impose(_ penalty: Penalty, author: UInt64, now: Micros) throws {
        let commands = PenaltyFeed.commands(penalty, author: author, now: now, prefix: prefix, origin: "shared")
        let replies = try connection.withLockedValue {
            (connection: inout Connection) throws(SharedError) -> [RedisReply] in
            try connection.redis.pipeline(commands)
        }
        for case .error(let message) in replies { throw SharedError("\(address): \(message)") }
    }

    public func strikes(_ strikes: [SharedStrike]) throws -> [StrikeOutcome] {
        guard !strikes.isEmpty else { return [] }
        var command = ["EVALSHA", "", String(3 * strikes.count)]
        var values: [String] = []
        command.reserveCapacity(3 + 12 * strikes.count)
        values.reserveCapacity(9 * strikes.count)
        for strike in strikes {
            let hex = Self.hex(strike.author)
            let escalation = strike.escalation
            command.append("\(prefix):s:\(hex)")
            command.append("\(prefix):sk:\(hex)")
            command.append(penaltyKey(author: strike.author))
            values += [
                String(strike.now), strike.eventKey, String(escalation.window), String(escalation.strikes),
                String(escalation.timeout), String(escalation.banAfterTimeouts), String(escalation.banDuration ?? -1),
                strike.quiet ? "1" : "0", String(Self.timeoutMemoryMilliseconds),
            ]
        }
        command.append(contentsOf: values)
        let reply = try connection.withLockedValue { (connection: inout Connection) throws(SharedError) -> RedisReply in
            try connection.run(command, \.strike)
        }
        guard case .array(let parts) = reply, parts.count == 4 * strikes.count else {
            throw SharedError("\(address): unexpected reply to the strike script: \(reply)")
        }
        return try strikes.indices.map { k throws(SharedError) -> StrikeOutcome in
            guard case .integer(let outcome) = parts[4 * k], case .integer(let until) = parts[4 * k + 1],
                case .integer(let kind) = parts[4 * k + 2], case .integer(let timeouts) = parts[4 * k + 3]
            else { throw SharedError("\(address): unexpected reply to the strike script: \(reply)") }
            let penalty = Penalty.Kind(rawValue: UInt64(kind)).map {
                Penalty(kind: $0, until: Micros(until), timeouts: Int(timeouts))
            }
            switch (outcome, penalty) {
            case (0, _): return .alreadyCounted
            case (1, _): return .counted
            case (2, let penalty?): return .reached(penalty)
            case (3, let penalty?): return .underPenalty(penalty)
            default: throw SharedError("\(address): unexpected reply to the strike script: \(reply)")
            }
        }
    }

    /// The penalty recorded for `author`, in force or not.
    public func penalty(author: UInt64) throws -> Penalty? {
        let key = penaltyKey(author: author)
        let reply = try connection.withLockedValue { (connection: inout Connection) throws(SharedError) -> RedisReply in
            try connection.redis.command(["GET", key])
        }
        return reply.text.flatMap(Self.penalty)
    }

    /// `UNTIL KIND TIMEOUTS`: the end first, so that the script reads it without unpacking.
    static func text(_ penalty: Penalty) -> String { "\(penalty.until) \(penalty.kind.rawValue) \(penalty.timeouts)" }

    static func penalty(_ text: String) -> Penalty? {
        let parts = text.split(separator: " ")
        guard parts.count == 3, let until = Micros(parts[0]), let raw = UInt64(parts[1]),
            let kind = Penalty.Kind(rawValue: raw),
            let timeouts = Int(parts[2])
        else { return nil }
        return Penalty(kind: kind, until: until, timeouts: timeouts)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
