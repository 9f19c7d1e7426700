import CRMStore

/// The records a follow-up rule finds quiet: last touched at or before a cutoff.
///
/// A touch is what shows someone worked the record: its capture or last
/// stage or status change, an activity planned for it (other than a
/// follow-up reminder itself) and any activity completed for it. For a
/// proposal only a reply counts: an activity completed for it, or an
/// inbound interaction from its customer.
enum QuietRecords {
    /// One quiet record and whom a follow-up goes to.
    struct Item {
        var recordType: String
        var recordID: Int64
        var leadID: Int64?
        var opportunityID: Int64?
        var accountID: Int64?
        var contactID: Int64?
        var owner: String?
        var lastTouch: Timestamp
    }

    static func find(_ store: Store, _ rule: ReminderRule.Name, touchedBefore cutoff: Timestamp) throws -> [Item] {
        let limit = [SQLValue.text(cutoff.description)]
        let candidates: [(Item, [String?])]
        switch rule {
        case .leadUntouched:
            candidates = try store.connection.rows(
                """
                SELECT l.id, l.owner, l.status_changed_at,
                    (SELECT MAX(a.completed_at) FROM activities a WHERE a.lead_id = l.id AND a.status = 'done'),
                    (SELECT MAX(a.created_at) FROM activities a WHERE a.lead_id = l.id AND a.reminder_key IS NULL)
                FROM leads l WHERE l.status = 'new' AND l.status_changed_at <= ? ORDER BY l.id
                """, limit
            ) { row in
                (Item(recordType: "lead", recordID: row.integer(0), leadID: row.integer(0), owner: row.optionalText(1), lastTouch: .epoch),
                 [row.optionalText(2), row.optionalText(3), row.optionalText(4)])
            }
        case .opportunityIdle:
            candidates = try store.connection.rows(
                """
                SELECT o.id, o.owner, o.account_id, o.contact_id, o.created_at, o.stage_changed_at,
                    (SELECT MAX(a.completed_at) FROM activities a WHERE a.opportunity_id = o.id AND a.status = 'done'),
                    (SELECT MAX(a.created_at) FROM activities a WHERE a.opportunity_id = o.id AND a.reminder_key IS NULL)
                FROM opportunities o WHERE o.status = 'open' AND o.stage_changed_at <= ? ORDER BY o.id
                """, limit
            ) { row in
                (opportunity(row), [row.optionalText(4), row.optionalText(5), row.optionalText(6), row.optionalText(7)])
            }
        case .proposalNoReply:
            candidates = try store.connection.rows(
                """
                SELECT o.id, o.owner, o.account_id, o.contact_id, o.stage_changed_at,
                    (SELECT MAX(a.completed_at) FROM activities a WHERE a.opportunity_id = o.id AND a.status = 'done'),
                    (SELECT MAX(i.occurred_at) FROM interactions i WHERE i.account_id = o.account_id AND i.direction = 'inbound')
                FROM opportunities o WHERE o.status = 'open' AND o.stage = 'proposal' AND o.stage_changed_at <= ? ORDER BY o.id
                """, limit
            ) { row in
                (opportunity(row), [row.optionalText(4), row.optionalText(5), row.optionalText(6)])
            }
        }
        return candidates.compactMap { candidate, touches in
            let last = touches.compactMap { $0.flatMap(Timestamp.init(rfc3339:)) }.max() ?? .epoch
            guard last <= cutoff else { return nil }
            var item = candidate
            item.lastTouch = last
            return item
        }
    }

    private static func opportunity(_ row: Row) -> Item {
        Item(recordType: "opportunity", recordID: row.integer(0), opportunityID: row.integer(0), accountID: row.integer(2),
             contactID: row.optionalInteger(3), owner: row.optionalText(1), lastTouch: .epoch)
    }
}
