import CRMStore

/// Where a lead stands: new -> contacted -> qualified -> converted, or
/// disqualified (with a reason) from any open state, and recycled back to new.
public enum LeadStatus: String, Sendable, CaseIterable {
    case new, contacted, qualified, converted, disqualified

    /// The states a lead may move to from this one with `lead.transition`.
    /// `converted` is reached only by converting the lead (`lead.convert`).
    public var next: [LeadStatus] {
        switch self {
        case .new: return [.contacted, .disqualified]
        case .contacted: return [.qualified, .disqualified]
        case .qualified: return [.disqualified]
        case .disqualified: return [.new]
        case .converted: return []
        }
    }

    /// Whether the lead is still being worked (not converted or disqualified).
    public var isOpen: Bool { self == .new || self == .contacted || self == .qualified }
}

/// Where a lead came from.
public enum LeadSourceChannel: String, Sendable, CaseIterable {
    case web
    case phoneIn = "phone_in"
    case walkIn = "walk_in"
    case telemarketing, email, referral, partner, campaign, social, other
}
