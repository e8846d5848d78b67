import Foundation

/// Where the data shipped with Winnow lives, whatever the working directory: next to the
/// installed binary (`<prefix>/share/winnow/`) or, for a binary built from a checkout, in the
/// checkout it was built from — only while that checkout is there. When neither has it, the
/// commands say where they looked and how to point them (`notFound`).
enum BundledData {
    /// The shipped wordlists, or where they were looked for first.
    static var wordlists: String { locate("Wordlists") }
    /// The classifier model shipped with Winnow (Models/winnow.wnm), or where it was looked for.
    static var model: String { locate("Models/winnow.wnm") }

    /// Where `name` is looked for, in order: next to the binary, then the checkout.
    static func candidates(_ name: String) -> [(path: String, place: String)] {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/winnow/\(name)").path
        // This file is Sources/winnow/BundledData.swift in the checkout.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(name).path
        return [(installed, "installed next to the binary"), (checkout, "the checkout it was built from")]
    }

    /// The first candidate that exists; else the first one (reading it then fails, with `notFound`).
    private static func locate(_ name: String) -> String {
        let places = candidates(name)
        return places.first { FileManager.default.fileExists(atPath: $0.path) }?.path ?? places[0].path
    }

    /// When none of the candidates of `name` exists: where Winnow looked, and how to point it
    /// (`how`, e.g. "give --wordlists DIR or set WINNOW_WORDLISTS").
    static func notFound(_ name: String, what: String, how: String) -> String? {
        let places = candidates(name)
        guard !places.contains(where: { FileManager.default.fileExists(atPath: $0.path) }) else { return nil }
        return "winnow: \(what) not found; looked in "
            + places.map { "\($0.path) (\($0.place))" }.joined(separator: " and ")
            + "; \(how)"
    }
}
