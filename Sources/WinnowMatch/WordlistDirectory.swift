import Foundation

/// Loads every list of a wordlist directory: `DIR/<language>/<name>.txt`.
///
/// Language folders have lower-case names (`en`, `fr`, `pt-br`); anything else at the top
/// (README.md, LICENSES/) is documentation and is skipped.
public enum WordlistDirectory {
    public static func load(_ directory: String) -> (lists: [Wordlist], errors: [WordlistError]) {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ([], [WordlistError(path: directory, line: 0, message: "no such wordlist directory")])
        }
        guard let languages = try? files.contentsOfDirectory(atPath: directory) else {
            return ([], [WordlistError(path: directory, line: 0, message: "cannot read the wordlist directory")])
        }
        var lists: [Wordlist] = []
        var errors: [WordlistError] = []
        for language in languages.sorted() where isLanguageFolder(language) {
            let folder = directory + "/" + language
            guard files.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            guard let names = try? files.contentsOfDirectory(atPath: folder) else {
                errors.append(WordlistError(path: folder, line: 0, message: "cannot read the folder"))
                continue
            }
            for file in names.sorted() where file.hasSuffix(".txt") && !file.hasPrefix(".") {
                let path = folder + "/" + file
                let name = language + "/" + String(file.dropLast(4))
                guard let data = files.contents(atPath: path) else {
                    errors.append(WordlistError(path: path, line: 0, message: "cannot read the file"))
                    continue
                }
                guard let text = String(validating: data, as: UTF8.self) else {
                    errors.append(WordlistError(path: path, line: 0, message: "the file is not valid UTF-8"))
                    continue
                }
                let (list, listErrors) = WordlistParser.parse(text, name: name, language: language, path: path)
                lists.append(list)
                errors += listErrors
            }
        }
        if lists.isEmpty && errors.isEmpty {
            errors.append(
                WordlistError(path: directory, line: 0, message: "no wordlists found (expected <language>/<name>.txt)"))
        }
        return (lists, errors)
    }

    static func isLanguageFolder(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }
}
