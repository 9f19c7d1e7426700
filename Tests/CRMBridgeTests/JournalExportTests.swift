import Testing
import CRMStore

@Suite("plain-text journals")
struct JournalExportTests {
    @Test func printsBook() throws {
        let f = try JournalFixture()
        try f.smallBook()
        for format in ["hledger", "ledger", "beancount"] {
            let journal = try f.run("bridge.export_journal", #"{"format": "\#(format)"}"#)
            print(journal["text"]?.text ?? "")
            print(journal.removing("text"))
        }
    }
}
