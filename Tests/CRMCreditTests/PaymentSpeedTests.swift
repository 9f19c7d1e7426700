import Testing
import CRMCredit
import CRMStore

@Suite struct PaymentSpeedKeyTests {
    @Test(arguments: [
        (Int64(-30), Int64(10_000)), (-20, 9_000), (0, 8_000), (15, 7_000), (22, 6_000),
        (30, 5_000), (60, 4_000), (90, 3_000), (120, 2_000),
    ])
    func everyAnchorIsExact(days: Int64, hundredths: Int64) {
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: days) == hundredths)
        #expect(PaymentSpeedKey.points(daysBeyondTerms: days) == hundredths / 100)
    }

    @Test(arguments: [
        (Int64(-25), Int64(9_500)),  // halfway from -30 (100) to -20 (90)
        (-10, 8_500),                // 1000 × 10 / 20 below 9000
        (7, 7_533),                  // 8000 − 1000 × 7 / 15 = 7533.33
        (18, 6_571),                 // 7000 − 1000 × 3 / 7 = 6571.43
        (26, 5_500),                 // 6000 − 1000 × 4 / 8
        (45, 4_500),                 // halfway from 30 (50) to 60 (40)
        (100, 2_667),                // 3000 − 1000 × 10 / 30 = 2666.67
        (121, 1_967),                // 1 point per 3 days past 120: 2000 − 33.33
        (150, 1_000),                // 2000 − 100 × 30 / 3
        (176, 133),                  // 2000 − 100 × 56 / 3 = 133.33
    ])
    func pointsBetweenAnchors(days: Int64, hundredths: Int64) {
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: days) == hundredths)
    }

    @Test func wholePointsRoundHalfAwayFromZero() {
        #expect(PaymentSpeedKey.points(daysBeyondTerms: 7) == 75)
        #expect(PaymentSpeedKey.points(daysBeyondTerms: 18) == 66)
        #expect(PaymentSpeedKey.points(daysBeyondTerms: 45) == 45)
        #expect(PaymentSpeedKey.points(daysBeyondTerms: 150) == 10)
        #expect(PaymentSpeedKey.points(daysBeyondTerms: -25) == 95)
    }

    @Test func theFloorIsOneAndEarlyStaysAHundred() {
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: 177) == 100)
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: 400) == 100)
        #expect(PaymentSpeedKey.points(daysBeyondTerms: 400) == 1)
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: .max) == 100)
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: -31) == 10_000)
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: -365) == 10_000)
        #expect(PaymentSpeedKey.hundredths(daysBeyondTerms: .min) == 10_000)
    }

    @Test func theKeyNeverRisesWithLateness() {
        var previous = PaymentSpeedKey.hundredths(daysBeyondTerms: -40)
        for days in Int64(-39)...200 {
            let key = PaymentSpeedKey.hundredths(daysBeyondTerms: days)
            #expect(key <= previous && (100...10_000).contains(key), "day \(days)")
            previous = key
        }
    }
}

@Suite struct PaymentSpeedScoreTests {
    @Test func theIssuesWeightedExample() throws {
        let score = try PaymentSpeedScore.score([
            PaymentExperience(amountMinor: 9_000, daysBeyondTerms: 0),
            PaymentExperience(amountMinor: 1_000, daysBeyondTerms: 60),
        ])
        #expect(score == 76)
    }

    @Test func anEmptySetIsUnrated() throws {
        #expect(try PaymentSpeedScore.score([]) == nil)
        #expect(try PaymentSpeedScore.score([PaymentExperience(amountMinor: 0, daysBeyondTerms: 5)]) == nil)
        #expect(try PaymentSpeedScore.score([PaymentExperience(amountMinor: 50, daysBeyondTerms: 5, weight: 0)],
                                            recencyWeighted: true) == nil)
    }

    @Test func oneExperienceScoresItsKey() throws {
        #expect(try PaymentSpeedScore.score([PaymentExperience(amountMinor: 1, daysBeyondTerms: 400)]) == 1)
        #expect(try PaymentSpeedScore.score([PaymentExperience(amountMinor: 1, daysBeyondTerms: -60)]) == 100)
        #expect(try PaymentSpeedScore.score([PaymentExperience(amountMinor: 1, daysBeyondTerms: 7)]) == 75)
    }

    @Test func theScoreRoundsOnceHalfAwayFromZero() throws {
        // 1 × 8000 + 1 × 7000 over 200 = 75.0; 1 at 80 + 1 at 75.33 → 77.665 → 78.
        #expect(try PaymentSpeedScore.score([
            PaymentExperience(amountMinor: 1, daysBeyondTerms: 0),
            PaymentExperience(amountMinor: 1, daysBeyondTerms: 15),
        ]) == 75)
        #expect(try PaymentSpeedScore.score([
            PaymentExperience(amountMinor: 1, daysBeyondTerms: 0),
            PaymentExperience(amountMinor: 1, daysBeyondTerms: 7),
        ]) == 78)
        // 8000 + 7000 + 7000 + 7000 over 400 = 72.5 → 73 (half away from zero).
        #expect(try PaymentSpeedScore.score([
            PaymentExperience(amountMinor: 1, daysBeyondTerms: 0),
            PaymentExperience(amountMinor: 3, daysBeyondTerms: 15),
        ]) == 73)
    }

    @Test func recencyWeightsApplyOnlyWhenAskedFor() throws {
        let experiences = [
            PaymentExperience(amountMinor: 1_000, daysBeyondTerms: 0, weight: 4),
            PaymentExperience(amountMinor: 1_000, daysBeyondTerms: 60, weight: 1),
        ]
        // Unweighted: (8000 + 4000) / 200 = 60; weighted: (4 × 8000 + 4000) / 500 = 72.
        #expect(try PaymentSpeedScore.score(experiences) == 60)
        #expect(try PaymentSpeedScore.score(experiences, recencyWeighted: true) == 72)
        // A missing weight counts as 1.
        #expect(try PaymentSpeedScore.score([
            PaymentExperience(amountMinor: 1_000, daysBeyondTerms: 0, weight: 4),
            PaymentExperience(amountMinor: 1_000, daysBeyondTerms: 60),
        ], recencyWeighted: true) == 72)
        #expect(PaymentSpeedScore.recencyWeight(ageDays: 0) == 4)
        #expect(PaymentSpeedScore.recencyWeight(ageDays: 90) == 4)
        #expect(PaymentSpeedScore.recencyWeight(ageDays: 91) == 3)
        #expect(PaymentSpeedScore.recencyWeight(ageDays: 180) == 3)
        #expect(PaymentSpeedScore.recencyWeight(ageDays: 270) == 2)
        #expect(PaymentSpeedScore.recencyWeight(ageDays: 271) == 1)
    }

    @Test func hugeAmountsDoNotTrap() throws {
        let huge = Array(repeating: PaymentExperience(amountMinor: .max, daysBeyondTerms: 0), count: 1_000)
            + Array(repeating: PaymentExperience(amountMinor: .max, daysBeyondTerms: 60), count: 1_000)
        #expect(try PaymentSpeedScore.score(huge) == 60)
        // Products or sums past 128 bits are CRM_RANGE, not a trap: one product
        // (2^63 × 2^63 × 8000), or two sums of about 1.04 × 10^38 (2^63 × 2^50 × 10000).
        expectCRMError(.range, "payment experience 0") {
            try PaymentSpeedScore.score([PaymentExperience(amountMinor: .max, daysBeyondTerms: 0, weight: .max)],
                                        recencyWeighted: true)
        }
        expectCRMError(.range, "payment experience 1") {
            try PaymentSpeedScore.score([
                PaymentExperience(amountMinor: .max, daysBeyondTerms: -30, weight: 1 << 50),
                PaymentExperience(amountMinor: .max, daysBeyondTerms: -30, weight: 1 << 50),
            ], recencyWeighted: true)
        }
    }

    @Test func negativeAmountsAndWeightsAreInvalid() {
        expectCRMError(.invalid, "payment experience 1", "amount_minor") {
            try PaymentSpeedScore.score([
                PaymentExperience(amountMinor: 1, daysBeyondTerms: 0),
                PaymentExperience(amountMinor: -1, daysBeyondTerms: 0),
            ])
        }
        expectCRMError(.invalid, "weight") {
            try PaymentSpeedScore.score([PaymentExperience(amountMinor: 1, daysBeyondTerms: 0, weight: -1)],
                                        recencyWeighted: true)
        }
    }
}
