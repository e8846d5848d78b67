import Foundation
import WinnowCore

/// The replay report as one self-contained HTML page (`--report-html`): inline CSS and SVG and
/// nothing fetched, so it opens offline and can be attached to a ticket; a few lines of inline
/// script sort a table by the column clicked (without script the page reads the same, unsorted).
public enum ReportHTML {
    /// Rows of the false-positive and false-negative tables (all of them are in the JSON).
    public static let reviewRows = 200

    static let actionColors: [(String, String)] = [
        ("allow", "#9bc59d"), ("flag", "#f2d16b"), ("censor", "#f0a05a"), ("hold", "#b07cc6"),
        ("reject", "#e0605e"), ("timeout", "#8c564b"), ("ban", "#333333"), ("error", "#999999"),
    ]

    public static func render(_ report: ReplayReport, title: String) -> String {
        let input = report.input
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            table.review{table-layout:fixed;width:100%}table.review td{word-break:break-word}
            .where{font-size:11px;color:#666;word-break:break-all}.why{font-size:12px}.why b{font-weight:600}
            mark{background:#ffe08a;padding:0 1px}th.sort{cursor:pointer}th.sort:after{content:" ↕";color:#aaa}
            .legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
            svg text{font:11px system-ui,sans-serif}
            </style></head><body>
            <h1>\(escape(title))</h1>

            """
        let files = input.files.map { "\(escape($0.path)) (\($0.format.rawValue), \($0.events) events)" }.joined(
            separator: "<br>")
        html +=
            "<p>\(input.events.count) events from<br>\(files)<br>event time \(time(report.firstTime)) to \(time(report.lastTime)); "
            + "\(report.errors) lines could not be read.</p>\n"

        html +=
            "<h2>Actions over time</h2>\n" + legend(present: Set(report.timeline.flatMap(\.keys)))
            + timelineChart(report)
        html +=
            "<h2>Verdicts</h2>\n" + countTable("action", ReplayReport.sorted(report.actions), total: input.events.count)
        html +=
            "<h2>Hits per rule</h2>\n"
            + barChart(
                ReplayReport.sorted(report.rules).map { ($0.name, [Double($0.count)]) },
                colors: ["#4a7ab5"], format: { String(Int($0)) })
        html += countTable("list", ReplayReport.sorted(report.lists), total: nil)

        if let label = report.label {
            let c = report.overall
            html +=
                "<h2>Against the labels</h2>\n<p>Label column <code>\(escape(label.field))</code>, positive "
                + label.positive.sorted().map { "<code>\(escape($0))</code>" }.joined(separator: ", ")
                + "; \(report.labeled) labeled events. Predicted positive: any verdict other than <code>allow</code>.</p>\n"
            html += """
                <table><tr><th></th><th>labeled positive</th><th>labeled negative</th></tr>
                <tr><th>not allowed</th><td class="n">\(c.truePositives)</td><td class="n">\(c.falsePositives)</td></tr>
                <tr><th>allowed</th><td class="n">\(c.falseNegatives)</td><td class="n">\(c.trueNegatives)</td></tr></table>
                <p>precision \(percent(c.precision)), recall \(percent(c.recall)), F1 \(percent(c.f1)), false-positive rate \(percent(c.falsePositiveRate))</p>

                """
            let perRule = report.perRule.sorted {
                $0.value.truePositives + $0.value.falsePositives > $1.value.truePositives + $1.value.falsePositives
            }
            html +=
                "<h2>Precision and recall per rule</h2>\n<p>A rule counts as predicting positive on every event it gave a reason for.</p>\n"
                + "<div class=\"legend\"><span><i style=\"background:#4a7ab5\"></i>precision</span><span><i style=\"background:#e39c3b\"></i>recall</span></div>\n"
                + barChart(
                    perRule.map { ($0.key, [$0.value.precision ?? 0, $0.value.recall ?? 0]) },
                    colors: ["#4a7ab5", "#e39c3b"], maximum: 1, format: { String(format: "%.0f%%", $0 * 100) })
            html += confusionTable("rule", report.perRule)
            html += "<h2>Precision and recall per list</h2>\n" + confusionTable("list", report.perList)
            html += review("False positives (not allowed, labeled negative)", report.falsePositives, input: input)
            html += review("False negatives (allowed, labeled positive)", report.falseNegatives, input: input)
        }

        html += "<h2>Top authors</h2>\n" + topTable("author", ReplayReport.top(report.authors, by: true, limit: 20))
        html += "<h2>Top channels</h2>\n" + topTable("channel", ReplayReport.top(report.channels, by: false, limit: 20))
        if !input.quirks.isEmpty {
            html +=
                "<h2>Quirks of the dumps</h2>\n<table><tr><th>what</th><th>count</th><th>handled</th><th>first seen at</th></tr>\n"
            for kind in DumpQuirks.Kind.allCases {
                guard let count = input.quirks.counts[kind] else { continue }
                html +=
                    "<tr><td>\(kind.rawValue)</td><td class=\"n\">\(count)</td><td>\(escape(kind.handling))</td>"
                    + "<td>\(escape((input.quirks.examples[kind] ?? []).joined(separator: ", ")))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "<p>Written by <code>winnow replay</code>.</p>\n" + sortScript + "</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }

    static func time(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// The colors of the actions that appear in the chart.
    static func legend(present: Set<String>) -> String {
        "<div class=\"legend\">"
            + actionColors.filter { present.contains($0.0) }
            .map { "<span><i style=\"background:\($0.1)\"></i>\($0.0)</span>" }.joined() + "</div>\n"
    }

    /// Precision and recall of each rule or list against the labels, most hits first; sortable.
    static func confusionTable(_ title: String, _ rows: [String: Confusion]) -> String {
        guard !rows.isEmpty else { return "<p>None fired.</p>\n" }
        var html =
            "<table class=\"sortable\"><tr><th class=\"sort\">\(title)</th><th class=\"sort\">tp</th><th class=\"sort\">fp</th>"
            + "<th class=\"sort\">fn</th><th class=\"sort\">precision</th><th class=\"sort\">recall</th><th class=\"sort\">F1</th></tr>\n"
        let sorted = rows.sorted {
            let a = $0.value.truePositives + $0.value.falsePositives,
                b = $1.value.truePositives + $1.value.falsePositives
            return a != b ? a > b : $0.key < $1.key
        }
        for (name, r) in sorted {
            html +=
                "<tr><td>\(escape(name))</td><td class=\"n\">\(r.truePositives)</td><td class=\"n\">\(r.falsePositives)</td>"
                + "<td class=\"n\">\(r.falseNegatives)</td><td class=\"n\">\(percent(r.precision))</td>"
                + "<td class=\"n\">\(percent(r.recall))</td><td class=\"n\">\(percent(r.f1))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Click a `th.sort` to sort its table by that column (numbers as numbers), again to reverse.
    static let sortScript = """
        <script>
        document.querySelectorAll("th.sort").forEach(function (th) {
          th.addEventListener("click", function () {
            var table = th.closest("table"), k = Array.prototype.indexOf.call(th.parentNode.children, th);
            var rows = Array.prototype.slice.call(table.rows, 1), down = th.dataset.down !== "1";
            function key(row) { var t = row.cells[k].textContent.trim(), n = parseFloat(t); return isNaN(n) ? t : n; }
            rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (down ? -1 : 1); });
            rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
            th.dataset.down = down ? "1" : "0";
          });
        });
        </script>

        """

    /// Stacked bars: verdicts per action in each time bucket.
    static func timelineChart(_ report: ReplayReport) -> String {
        let width = 1000.0, height = 240.0, left = 50.0, bottom = 24.0
        let buckets = report.timeline
        let maximum = Double(buckets.map { $0.values.reduce(0, +) }.max() ?? 0)
        guard maximum > 0 else { return "<p>No events with a time.</p>\n" }
        let barWidth = (width - left) / Double(buckets.count)
        var svg =
            "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"actions over time\">\n"
        // A grid line and a label at every quarter of the highest bar.
        for quarter in 0...4 {
            let y = height - bottom - Double(quarter) / 4 * (height - bottom - 10)
            svg +=
                "<line x1=\(format(left - 4)) x2=\(format(width)) y1=\(format(y)) y2=\(format(y)) stroke=\"#e4e4e4\"/>"
                + "<text x=\"\(Int(left - 8))\" y=\(format(y + 4)) text-anchor=\"end\">\(Int((maximum * Double(quarter) / 4).rounded()))</text>\n"
        }
        for (k, bucket) in buckets.enumerated() {
            var y = height - bottom
            for (action, color) in actionColors {
                guard let count = bucket[action], count > 0 else { continue }
                let h = Double(count) / maximum * (height - bottom - 10)
                y -= h
                svg +=
                    "<rect x=\(format(left + Double(k) * barWidth)) y=\(format(y)) width=\(format(max(1, barWidth - 1))) "
                    + "height=\(format(h)) fill=\"\(color)\"><title>\(action): \(count)</title></rect>\n"
            }
        }
        // The date at five places along the axis.
        if let first = report.firstTime {
            for fifth in 0...4 {
                let x = left + Double(fifth) / 4 * (width - left)
                let anchor = fifth == 0 ? "start" : fifth == 4 ? "end" : "middle"
                let at = first + Double(fifth) / 4 * Double(buckets.count) * report.bucketSeconds
                svg +=
                    "<line x1=\(format(x)) x2=\(format(x)) y1=\(format(height - bottom)) y2=\(format(height - bottom + 4)) stroke=\"#999\"/>"
                    + "<text x=\(format(x)) y=\"\(Int(height - 6))\" text-anchor=\"\(anchor)\">\(escape(day(at)))</text>\n"
            }
        }
        return svg + "</svg>\n<p>Each bar is \(durationText(report.bucketSeconds)) of event time.</p>\n"
    }

    /// A time as its date, or its date and minute when the run is shorter than a few days.
    static func day(_ seconds: Double) -> String {
        String(time(seconds).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    static func durationText(_ seconds: Double) -> String {
        if seconds >= 86400 { return String(format: "%.1f days", seconds / 86400) }
        if seconds >= 3600 { return String(format: "%.1f hours", seconds / 3600) }
        if seconds >= 60 { return String(format: "%.1f minutes", seconds / 60) }
        return "\(Int(seconds)) seconds"
    }

    /// Horizontal bars, one group per row with one bar per value.
    static func barChart(
        _ rows: [(String, [Double])], colors: [String], maximum: Double? = nil, format label: (Double) -> String
    ) -> String {
        guard !rows.isEmpty else { return "<p>None.</p>\n" }
        let top = maximum ?? rows.flatMap(\.1).max() ?? 1
        let labelWidth = 140.0, barArea = 700.0, barHeight = 14.0
        let group = barHeight * Double(colors.count) + 8
        let height = group * Double(rows.count) + 4
        var svg = "<svg width=\"\(Int(labelWidth + barArea + 80))\" height=\"\(Int(height))\" role=\"img\">\n"
        for (k, row) in rows.enumerated() {
            let y0 = Double(k) * group + 2
            svg += "<text x=\"0\" y=\(format(y0 + barHeight * Double(colors.count) / 2 + 4))>\(escape(row.0))</text>\n"
            for (j, value) in row.1.enumerated() {
                let w = top > 0 ? value / top * barArea : 0
                let y = y0 + Double(j) * barHeight
                svg +=
                    "<rect x=\(format(labelWidth)) y=\(format(y)) width=\(format(max(0, w))) height=\(format(barHeight - 2)) fill=\"\(colors[j % colors.count])\"/>"
                svg += "<text x=\(format(labelWidth + w + 4)) y=\(format(y + barHeight - 4))>\(label(value))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    static func format(_ value: Double) -> String { "\"" + String(format: "%.1f", value) + "\"" }

    static func countTable(_ title: String, _ rows: [(name: String, count: Int)], total: Int?) -> String {
        var html = "<table><tr><th>\(title)</th><th>count</th>\(total == nil ? "" : "<th>share</th>")</tr>\n"
        for row in rows {
            html += "<tr><td>\(escape(row.name))</td><td class=\"n\">\(row.count)</td>"
            if let total {
                html += "<td class=\"n\">\(percent(total == 0 ? nil : Double(row.count) / Double(total)))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    static func topTable(_ title: String, _ rows: [(name: String, events: Int, notAllowed: Int)]) -> String {
        var html = "<table><tr><th>\(title)</th><th>events</th><th>not allowed</th></tr>\n"
        for row in rows {
            html +=
                "<tr><td>\(escape(row.name))</td><td class=\"n\">\(row.events)</td><td class=\"n\">\(row.notAllowed)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func review(_ title: String, _ misses: [ReplayReport.Miss], input: ReplayInput) -> String {
        var html = "<h2>\(title): \(misses.count)</h2>\n"
        if misses.count > reviewRows { html += "<p>The first \(reviewRows); every one is in the JSON report.</p>\n" }
        html += """
            <table class="review sortable"><colgroup><col style="width:13%"><col style="width:11%"><col style="width:8%">\
            <col style="width:22%"><col style="width:46%"></colgroup>
            <tr><th class="sort">id, file:line</th><th class="sort">author</th><th class="sort">verdict</th>\
            <th class="sort">why</th><th>text (what the reasons found is marked)</th></tr>

            """
        for miss in misses.prefix(reviewRows) {
            let e = input.events[miss.index]
            let file = (input.files[e.file].path as NSString).lastPathComponent
            let why = miss.reasons.map { reason in
                "<b>\(escape(reason.rule))</b>" + (reason.list.map { " \(escape($0))" } ?? "")
                    + (reason.what.isEmpty ? "" : ": \(escape(reason.what))")
            }.joined(separator: "<br>")
            html +=
                "<tr><td class=\"where\">\(escape(e.id))<br>\(escape(file)):\(e.line)</td><td>\(escape(e.author))</td>"
                + "<td>\(miss.action)</td><td class=\"why\">\(why)</td>"
                + "<td>\(marked(e.text, spans: miss.reasons.compactMap(\.span)))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// `text` escaped, with each span (in Unicode scalars) in a `<mark>`, and the `<br>` tags
    /// that web dumps leave in comments shown as line breaks, not as markup.
    static func marked(_ text: String, spans: [TextSpan]) -> String {
        let scalars = Array(text.unicodeScalars)
        var inside = [Bool](repeating: false, count: scalars.count)
        for span in spans {
            for k in max(0, span.start)..<min(scalars.count, max(span.start, span.end)) { inside[k] = true }
        }
        var out = "", run = "", marking = false
        func flush() {
            guard !run.isEmpty else { return }
            let escaped = lineBreaks(escape(run))
            out += marking ? "<mark>\(escaped)</mark>" : escaped
            run = ""
        }
        for (k, scalar) in scalars.enumerated() {
            if inside[k] != marking {
                flush()
                marking = inside[k]
            }
            run.unicodeScalars.append(scalar)
        }
        flush()
        return out
    }

    /// `&lt;br&gt;`, `&lt;br/&gt;` and `&lt;br /&gt;` (any case) in escaped text become `<br>`.
    static func lineBreaks(_ escaped: String) -> String {
        var out = escaped
        for form in ["&lt;br /&gt;", "&lt;br/&gt;", "&lt;br&gt;"] {
            out = out.replacingOccurrences(of: form, with: "<br>", options: .caseInsensitive)
        }
        return out
    }
}
