import CRMStore

/// The lines of every document kind live in one table, `document_lines`,
/// keyed by the document's kind ("quote", "jobcard", "invoice",
/// "credit_note"), its id and the line's position (0 first).
public enum LineQueries {
    /// Writes a document's lines, replacing any it had.
    public static func replace(_ store: Store, documentType: StaticString, documentID: Int64, _ lines: [DocumentLine]) throws {
        try store.connection.run("DELETE FROM document_lines WHERE document_type = ? AND document_id = ?",
                                 [.text("\(documentType)"), .integer(documentID)])
        for (position, line) in lines.enumerated() {
            try store.connection.run(
                """
                INSERT INTO document_lines (document_type, document_id, position, product_id, description, quantity_milli,
                    unit_price_minor, discount_bp, tax_rate_bp, net_minor, tax_minor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text("\(documentType)"), .integer(documentID), .integer(Int64(position)), .integer(line.productID),
                 .text(line.description), .integer(line.quantityMilli), .integer(line.unitPriceMinor), .integer(line.discountBP),
                 .integer(line.taxRateBP), .integer(line.netMinor), .integer(line.taxMinor)])
        }
    }

    /// A document's lines in order.
    public static func load(_ store: Store, documentType: StaticString, documentID: Int64) throws -> [DocumentLine] {
        try store.connection.rows(
            """
            SELECT product_id, description, quantity_milli, unit_price_minor, discount_bp, tax_rate_bp, net_minor, tax_minor
            FROM document_lines WHERE document_type = ? AND document_id = ? ORDER BY position
            """, [.text("\(documentType)"), .integer(documentID)]
        ) { row in
            DocumentLine(productID: row.optionalInteger(0), description: row.text(1), quantityMilli: row.integer(2),
                         unitPriceMinor: row.integer(3), discountBP: row.integer(4), taxRateBP: row.integer(5),
                         netMinor: row.integer(6), taxMinor: row.integer(7))
        }
    }
}
