import ArgumentParser

extension CRMHarness {
    /// `crm-harness version`: the loaded library's version and ABI, and the header's.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the loaded library's version and ABI version (crm_version, crm_abi_version).",
            discussion: "Also prints the header version the harness was built with (CRM_VERSION, CRM_ABI_VERSION). --db is not opened.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            if global.json {
                let summary: JSON = [
                    "version": .string(LibraryVersion.library),
                    "abi_version": .int(Int(LibraryVersion.abi)),
                    "header_version": .string(LibraryVersion.header),
                    "header_abi_version": .int(Int(LibraryVersion.headerABI)),
                ]
                print(summary)
            } else {
                print("libcrm \(LibraryVersion.library) (ABI \(LibraryVersion.abi))")
                print("header crm.h \(LibraryVersion.header) (ABI \(LibraryVersion.headerABI))")
            }
            if LibraryVersion.abi != LibraryVersion.headerABI {
                printError("warning: the loaded library's ABI \(LibraryVersion.abi) differs from the header's \(LibraryVersion.headerABI)")
            }
        }
    }
}
