import Testing
import WinnowCore
@testable import WinnowLimits

/// The words each channel's established authors have been using: counts against a plain
/// dictionary model, decay by period, and the two ways of a pair.
@Suite("Channel background")
struct ChannelBackgroundTests {
    let period = ChannelBackground.period

    @Test("different comments per (channel, word), read in the next period; copies in a row count once")
    func countsAndPeriods() {
        let state = BehaviorState(maxAuthors: 64)
        let background = state.channelBackground
        let ru = BehaviorState.channelKey("ru"), en = BehaviorState.channelKey("en")
        let second = Micros.perSecond
        for text in UInt64(1)...7 { background.record(channel: ru, word: 42, text: text, at: 10 * second) }
        background.record(channel: ru, word: 42, text: 7, at: 11 * second)  // the same text again
        // Not before the period is over.
        #expect(background.texts(channel: ru, word: 42, at: 20 * second) == 0)
        #expect(background.texts(channel: ru, word: 42, at: period + 1) == 7)
        #expect(background.texts(channel: en, word: 42, at: period + 1) == 0)
        #expect(background.texts(channel: ru, word: 43, at: period + 1) == 0)
        // A use in the next period leaves the last one's count readable, and shows after it.
        background.record(channel: ru, word: 42, text: 9, at: period + 2)
        #expect(background.texts(channel: ru, word: 42, at: period + 3) == 7)
        #expect(background.texts(channel: ru, word: 42, at: 2 * period) == 1)
        // Two periods after the last use: gone.
        #expect(background.texts(channel: ru, word: 42, at: 3 * period) == 0)
    }

    @Test("against a dictionary model: 20,000 uses of 100 words in 4 channels, read in the next period")
    func againstDictionary() {
        let state = BehaviorState(maxAuthors: 64)
        let background = state.channelBackground
        var model: [UInt64: Int] = [:]
        var lastText: [UInt64: UInt64] = [:]
        var seed: UInt64 = 0x5eed
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let channels = (0..<4).map { BehaviorState.channelKey("c\($0)") }
        for use in 0..<20_000 {
            let channel = channels[Int(next() % 4)], word = 1 + next() % 100
            background.record(channel: channel, word: word, text: UInt64(use), at: 5)
            // Copies in a row (by the text's low byte) count once.
            let key = channel &* 31 &+ word
            if lastText[key] != UInt64(use) & 0xFF { model[key, default: 0] += 1 }
            lastText[key] = UInt64(use) & 0xFF
        }
        var exact = 0
        for channel in channels {
            for word in UInt64(1)...100
            where background.texts(channel: channel, word: word, at: period + 6)
                == model[channel &* 31 &+ word, default: 0]
            {
                exact += 1
            }
        }
        // 400 pairs in 8,192 pairs of ways: exact unless three share a pair of ways.
        #expect(exact == 400)
    }
}
