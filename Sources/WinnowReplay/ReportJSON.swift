import WinnowCore

/// The replay report as one JSON document (`--report-json`): everything the HTML page shows,
/// plus every false positive and false negative.
public enum ReportJSON {
    public static func render(_ report: ReplayReport) -> String {
        func counts(_ values: [String: Int]) -> String {
            "{" + ReplayReport.sorted(values).map { "\(JSONText.quoted($0.name)):\($0.count)" }.joined(separator: ",")
                + "}"
        }
        func top(_ values: [(name: String, events: Int, notAllowed: Int)], key: String) -> String {
            "["
                + values.map {
                    #"{"\#(key)":\#(JSONText.quoted($0.name)),"events":\#($0.events),"not_allowed":\#($0.notAllowed)}"#
                }
                .joined(separator: ",") + "]"
        }
        func confusion(_ c: Confusion) -> String {
            #"{"tp":\#(c.truePositives),"fp":\#(c.falsePositives),"fn":\#(c.falseNegatives),"tn":\#(c.trueNegatives)"#
                + #","precision":\#(JSONText.number(c.precision)),"recall":\#(JSONText.number(c.recall)),"f1":\#(JSONText.number(c.f1))"#
                + #","false_positive_rate":\#(JSONText.number(c.falsePositiveRate))}"#
        }
        let input = report.input
        var out = "{"
        out += #""events":\#(input.events.count),"errors":\#(report.errors)"#
        out +=
            #","files":["#
            + input.files.map {
                #"{"path":\#(JSONText.quoted($0.path)),"format":"\#($0.format.rawValue)","events":\#($0.events)}"#
            }.joined(separator: ",") + "]"
        out += #","first_ts":\#(JSONText.number(report.firstTime)),"last_ts":\#(JSONText.number(report.lastTime))"#
        out +=
            #","actions":\#(counts(report.actions)),"rules":\#(counts(report.rules)),"lists":\#(counts(report.lists))"#
        out += #","top_authors":\#(top(ReplayReport.top(report.authors, by: true, limit: 20), key: "author"))"#
        out += #","top_channels":\#(top(ReplayReport.top(report.channels, by: false, limit: 20), key: "channel"))"#
        out +=
            #","quirks":{"#
            + DumpQuirks.Kind.allCases.compactMap { kind in
                guard let count = input.quirks.counts[kind] else { return nil }
                let examples = (input.quirks.examples[kind] ?? []).map(JSONText.quoted).joined(separator: ",")
                return
                    #"\#(JSONText.quoted(kind.rawValue)):{"count":\#(count),"handling":\#(JSONText.quoted(kind.handling)),"examples":[\#(examples)]}"#
            }.joined(separator: ",") + "}"
        out +=
            #","timeline":{"start":\#(JSONText.number(report.firstTime)),"bucket_seconds":\#(JSONText.number(report.bucketSeconds)),"buckets":["#
            + report.timeline.map(counts).joined(separator: ",") + "]}"
        if let label = report.label {
            func listed(_ misses: [ReplayReport.Miss]) -> String {
                "["
                    + misses.map { miss in
                        let e = input.events[miss.index]
                        return
                            #"{"id":\#(JSONText.quoted(e.id)),"file":\#(JSONText.quoted(input.files[e.file].path)),"line":\#(e.line)"#
                            + #","author":\#(JSONText.quoted(e.author)),"action":\#(JSONText.quoted(miss.action))"#
                            + #","rules":[\#(miss.rules.map(JSONText.quoted).joined(separator: ","))]"#
                            + #","text":\#(JSONText.quoted(e.text))}"#
                    }.joined(separator: ",") + "]"
            }
            out +=
                #","evaluation":{"label":\#(JSONText.quoted(label.field)),"positive":[\#(label.positive.sorted().map(JSONText.quoted).joined(separator: ","))]"#
            out += #","labeled":\#(report.labeled),"overall":\#(confusion(report.overall))"#
            out +=
                #","rules":{"#
                + report.perRule.sorted { $0.key < $1.key }
                .map { "\(JSONText.quoted($0.key)):\(confusion($0.value))" }.joined(separator: ",") + "}"
            out +=
                #","false_positives":\#(listed(report.falsePositives)),"false_negatives":\#(listed(report.falseNegatives))}"#
        }
        return out + "}\n"
    }
}
