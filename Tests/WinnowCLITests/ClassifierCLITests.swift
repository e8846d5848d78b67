import Foundation
import Testing

/// `winnow train`, `classify`, `model` and the classifier rule, on the real binary with the
/// bundled YouTube sample (labels in `meta.label`: spam or ham, dated).
@Suite("Classifier (end to end)")
struct ClassifierCLITests {
    let sample = WinnowProcess.repository.appendingPathComponent(
        "Tests/Fixtures/comments/youtube-spam-collection.ndjson"
    ).path

    func train(_ extra: [String], in directory: URL) throws -> WinnowProcess.Result {
        try WinnowProcess.run(
            ["train", sample, "--label", "meta.label", "--positive", "spam", "--negative", "ham"] + extra, in: directory
        )
    }

    @Test("training twice gives the same model bytes; the report is written; model info reads it")
    func deterministicTraining() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try train(["--out", "a.wnm"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdoutText.contains("trained spam on 910 comments"))
        #expect(first.stdoutText.contains("held back the newest 228"))
        #expect(try train(["--out", "b.wnm"], in: directory).status == 0)
        let a = try Data(contentsOf: directory.appendingPathComponent("a.wnm")),
            b = try Data(contentsOf: directory.appendingPathComponent("b.wnm"))
        #expect(a == b)
        let info = try WinnowProcess.run(["model", "info", "a.wnm", "--json"], in: directory)
        let json = try JSONSerialization.jsonObject(with: Data(info.stdout)) as? [String: Any]
        let label = (json?["labels"] as? [[String: Any]])?.first
        #expect(label?["name"] as? String == "spam")
        #expect((label?["training"] as? [String: Any])?["rows"] as? Int == 910)
        #expect((label?["evaluation"] as? [String: Any])?["split"] as? String == "newest 20% by time")
    }

    @Test("the quality gate: a worse model does not replace a better one unless --force")
    func qualityGate() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try train(["--out", "m.wnm"], in: directory).status == 0)
        let good = try Data(contentsOf: directory.appendingPathComponent("m.wnm"))
        // One pass over 256 buckets: worse on the same held-back comments.
        let worse = try train(["--out", "m.wnm", "--bits", "8", "--epochs", "1"], in: directory)
        #expect(worse.status == 2)
        #expect(
            worse.stderr.contains(
                "winnow: train: the model in m.wnm scores better on the same held-back comments at 0.9: F1 "))
        #expect(worse.stderr.contains("winnow: train: nothing was written"))
        #expect(try Data(contentsOf: directory.appendingPathComponent("m.wnm")) == good)
        #expect(try train(["--out", "m.wnm", "--bits", "8", "--epochs", "1", "--force"], in: directory).status == 0)
        #expect(try Data(contentsOf: directory.appendingPathComponent("m.wnm")) != good)
    }

    @Test(
        "bad training input stops with status 2 and writes nothing",
        arguments: [
            (
                ["--min-examples", "1000"],
                "winnow: train: too few examples: 586 with the label and 552 without; each class needs at least 1000 (--min-examples)"
            ),
            (
                ["--negative", "spamm"],
                "youtube-spam-collection.ndjson:8: label value 'ham' is neither --positive (spam) nor --negative (spamm)"
            ),
        ])
    func badInput(extra: [String], message: String) throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try WinnowProcess.run(
            ["train", sample, "--label", "meta.label", "--positive", "spam", "--out", "m.wnm"] + extra, in: directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.wnm").path))
    }

    @Test("train --grams: the model file keeps its gram lengths, model info shows them; a bad length is refused")
    func gramLengths() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try train(["--out", "m.wnm", "--grams", "4"], in: directory).status == 0)
        let info = try WinnowProcess.run(["model", "info", "m.wnm"], in: directory)
        #expect(info.stdoutText.contains("c: byte 4-grams of <word>"), "\(info.stdoutText)")
        let json = try WinnowProcess.run(["model", "info", "m.wnm", "--json"], in: directory)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any]
        #expect(object?["grams"] as? [Int] == [4, 4])
        let bad = try train(["--out", "n.wnm", "--grams", "9"], in: directory)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--grams must be a length or a range of lengths from 2 to 6, such as 3-5 or 4"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("n.wnm").path))
    }

    @Test("no labelled comment and one class only are refused")
    func oneClass() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let none = try WinnowProcess.run(["train", sample, "--label", "meta.nothing", "--out", "m.wnm"], in: directory)
        #expect(none.status == 2)
        #expect(none.stderr.hasPrefix("winnow: train: no labelled comment in"))
        let hamOnly = try WinnowProcess.run(
            ["train", sample, "--label", "meta.label", "--positive", "eggs", "--out", "m.wnm", "--min-examples", "1"],
            in: directory)
        #expect(hamOnly.status == 2)
        #expect(hamOnly.stderr.hasPrefix("winnow: train: too few examples: 0 with the label and 1138 without"))
    }

    @Test("classify explains with features and spans; the rule in a policy gives a verdict that says why")
    func classifyAndRule() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try train(["--out", "m.wnm"], in: directory).status == 0)
        let text = "Check out my channel, subscribe please"
        let classify = try WinnowProcess.run(["classify", "--model", "m.wnm", "--json", text], in: directory)
        let json = try JSONSerialization.jsonObject(with: Data(classify.stdout)) as? [String: Any]
        let label = (json?["labels"] as? [[String: Any]])?.first
        #expect(label?["label"] as? String == "spam")
        #expect((label?["score"] as? Double ?? 0) > 0.9)
        // The five features that pushed it most, each named as written, at its place in the text.
        let features = (label?["features"] as? [[Any]] ?? []).map { "\($0[0]) \($0.count > 2 ? "\($0[2])" : "-")" }
        #expect(
            features == ["check out [0, 9]", "out [6, 9]", "check [0, 5]", "please [32, 38]", "subscribe [22, 31]"],
            "\(features)")
        try "classifier:\n  enabled: true\n  model: m.wnm\n  labels:\n    spam: {hold: 0.9}\n".write(
            to: directory.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let run = try WinnowProcess.run(
            ["filter", "--no-audit", "--policy", "policy.yaml"],
            input: Array(#"{"author":"a","text":"\#(text)"}"#.utf8) + [10], in: directory)
        let verdict = try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any]
        #expect(verdict?["action"] as? String == "hold")
        let reason = (verdict?["reasons"] as? [[String: Any]])?.first { $0["rule"] as? String == "classifier" }
        #expect(reason?["category"] as? String == "spam")
        #expect(((reason?["message"] as? String) ?? "").hasPrefix("spam score 0."))
        #expect((reason?["features"] as? [[Any]])?.count == 5)
        // A model without the policy's label is refused before anything is read.
        try "classifier:\n  enabled: true\n  model: m.wnm\n  labels:\n    toxic: {flag: 0.9}\n".write(
            to: directory.appendingPathComponent("toxic.yaml"), atomically: true, encoding: .utf8)
        let refused = try WinnowProcess.run(
            ["filter", "--no-audit", "--policy", "toxic.yaml"], input: [], in: directory)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("has no label toxic (labels: spam)"))
    }

    @Test("train --from-audit: a moderator's ban labels the author's comments before it; an unban takes it back")
    func fromAudit() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        let server = try ServeProcess(["--wordlists", wordlists, "--audit", "trail.sqlite"], directory: directory)
        let client = try server.client()
        let spam = [
            "free gift cards at my channel", "subscribe to my channel for free robux", "cheap followers at my page",
        ]
        let ham = ["what a great song", "the chorus is so catchy", "I watched this with my kids"]
        var lines: [String] = []
        for k in 0..<6 {
            lines.append(#"{"author":"spammer\#(k)","text":"\#(spam[k % 3]) \#(k)"}"#)
            lines.append(#"{"author":"fan\#(k)","text":"\#(ham[k % 3]) \#(k)"}"#)
        }
        lines.append(#"{"author":"mistaken","text":"I love this song so much"}"#)
        for line in lines { client.send(line + "\n") }
        #expect(client.readLines(lines.count).count == lines.count)
        for k in 0..<6 {
            client.send(#"{"op":"ban","author":"spammer\#(k)","seconds":600,"moderator":"mo"}"# + "\n")
            #expect(client.readLine()?.contains(#""ok":true"#) == true)
        }
        // A ban taken back: its author's comment is ham, not spam.
        client.send(
            #"{"op":"timeout","author":"mistaken","seconds":60}"# + "\n" + #"{"op":"unban","author":"mistaken"}"# + "\n"
        )
        #expect(client.readLines(2).allSatisfy { $0.contains(#""ok":true"#) })
        #expect(server.stop().status == 0)

        let trained = try WinnowProcess.run(
            ["train", "--from-audit", "trail.sqlite", "--out", "m.wnm", "--min-examples", "3", "--holdout", "0.1"],
            in: directory)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(
            trained.stdoutText.contains(
                "from trail.sqlite: 13 comments labelled by moderators' ops (7 authors banned or timed out; 1 taken back by an unban); 0 not labelled, 0 without their text"
            ),
            "\(trained.stdoutText)")
        let classify = try WinnowProcess.run(
            ["classify", "--model", "m.wnm", "--json", "free robux at my channel", "what a catchy song"], in: directory)
        let scores = classify.stdoutText.split(separator: "\n").map { line -> Double in
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return ((json?["labels"] as? [[String: Any]])?.first?["score"] as? Double) ?? -1
        }
        #expect(scores.count == 2)
        #expect(scores[0] > 0.5 && scores[1] < 0.5, "\(scores)")

        // Neither dumps nor a trail; dumps without their label.
        #expect(try WinnowProcess.run(["train", "--out", "x.wnm"], in: directory).status != 0)
        #expect(try WinnowProcess.run(["train", sample, "--out", "x.wnm"], in: directory).status != 0)
    }

    @Test("a damaged model file is refused with a message")
    func damagedModel() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a model".utf8).write(to: directory.appendingPathComponent("bad.wnm"))
        let info = try WinnowProcess.run(["model", "info", "bad.wnm"], in: directory)
        #expect(info.status == 2)
        #expect(info.stderr == "winnow: bad.wnm: not a Winnow model file (it does not start with WNWMODL1)\n")
    }

    @Test("the bundled model reads and holds spam and toxic")
    func bundledModel() throws {
        let info = try WinnowProcess.run([
            "model", "info", WinnowProcess.repository.appendingPathComponent("Models/winnow.wnm").path, "--json",
        ])
        let json = try JSONSerialization.jsonObject(with: Data(info.stdout)) as? [String: Any]
        #expect((json?["labels"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["spam", "toxic"])
    }
}
