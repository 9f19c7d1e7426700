/// A plain-text table: a header row, a rule, and left-aligned columns
/// (right-aligned where asked, for amounts and counts).
struct TextTable {
    private let headers: [String]
    private var rows: [[String]] = []
    private var rightAligned: Set<Int>

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    var isEmpty: Bool { rows.isEmpty }

    mutating func add(_ row: [String]) {
        rows.append(row + Array(repeating: "", count: max(0, headers.count - row.count)))
    }

    /// The table as text, each line indented by `indent` and ending with "\n".
    func render(indent: String = "") -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() where index < widths.count {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(rightAligned.contains(index) ? pad + cell : cell + pad)
            }
            var text = indent + parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        var out = line(headers)
        out += indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) }
        return out
    }
}
