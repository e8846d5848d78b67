import Foundation

/// Where the data shipped with Winnow lives, whatever the working directory: next to the
/// installed binary (`<prefix>/share/winnow/`) or, for a binary built from a checkout, in the
/// checkout it was built from.
enum BundledData {
    static var wordlists: String { locate("Wordlists") }
    /// The classifier model shipped with Winnow (Models/winnow.wnm).
    static var model: String { locate("Models") + "/winnow.wnm" }

    private static func locate(_ name: String) -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/winnow/\(name)").path
        if FileManager.default.fileExists(atPath: installed) { return installed }
        // This file is Sources/winnow/BundledData.swift in the checkout.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return checkout.appendingPathComponent(name).path
    }
}
