// swift-tools-version: 6.1
// libcrm: CRM for existing accounting software, shipped as one C library.
// Dependencies point down only: CRM (C ABI) -> feature modules -> CRMStore -> SQLite.
import PackageDescription

let package = Package(
    name: "libcrm",
    products: [
        // The shipped libcrm.so. Build it self-contained with `make` (see README.md).
        .library(name: "crm", type: .dynamic, targets: ["CRM"]),
        .executable(name: "crm-harness", targets: ["crm-harness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The system SQLite (Debian: libsqlite3-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // Include/crm.h imported as a C module, so the compiler holds the Swift
        // implementation to the hand-written header.
        .target(name: "CCRM", path: "Sources/CCRM"),
        .target(name: "CRMStore", dependencies: ["CSQLite"]),
        .target(name: "CRMAccounts", dependencies: ["CRMStore"]),
        .target(name: "CRMLeads", dependencies: ["CRMStore"]),
        .target(name: "CRMPipeline", dependencies: ["CRMStore"]),
        .target(name: "CRMActivities", dependencies: ["CRMStore"]),
        // document.render's Mustache templates are its own (Rendering/MustacheTemplate.swift):
        // no Foundation, so libcrm.so stays small.
        .target(name: "CRMDocuments", dependencies: ["CRMStore"]),
        .target(name: "CRMCredit", dependencies: ["CRMStore"]),
        // Bridges to the books a shop already keeps: CSV import and export, plain-text journals.
        .target(name: "CRMBridge", dependencies: ["CRMStore"]),
        .target(
            name: "CRM",
            dependencies: ["CCRM", "CRMStore", "CRMAccounts", "CRMLeads", "CRMPipeline", "CRMActivities", "CRMDocuments", "CRMCredit", "CRMBridge"],
            exclude: ["exports.map"],
            swiftSettings: [.enableExperimentalFeature("CImplementation")]
        ),
        // The bundled test-harness CLI: drives the library through the C ABI only.
        .executableTarget(
            name: "crm-harness",
            dependencies: [
                "CCRM", "CRM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers every Swift suite shares (CRMError checks, temporary directories, crm.h).
        .target(name: "CRMTestSupport", dependencies: ["CRMStore"], path: "Tests/CRMTestSupport"),
        .testTarget(name: "CRMStoreTests", dependencies: ["CRMStore", "CRMTestSupport"]),
        // The outbox's commands: known consumers, dead letters, retention.
        .testTarget(name: "CRMOutboxTests", dependencies: ["CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMAccountsTests", dependencies: ["CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMLeadsTests", dependencies: ["CRMLeads", "CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMActivitiesTests", dependencies: ["CRMActivities", "CRMPipeline", "CRMLeads", "CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMCreditTests", dependencies: ["CRMCredit", "CRMDocuments", "CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMDocumentsTests", dependencies: ["CRMDocuments", "CRMPipeline", "CRMLeads", "CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMPipelineTests", dependencies: ["CRMPipeline", "CRMLeads", "CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMBridgeTests", dependencies: ["CRMBridge", "CRMCredit", "CRMDocuments", "CRMAccounts", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMTests", dependencies: ["CCRM", "CRM", "CRMStore", "CRMTestSupport"]),
        .testTarget(name: "CRMHarnessTests", dependencies: ["crm-harness", "CRMTestSupport"]),
    ]
)
