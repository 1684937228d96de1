import Foundation
import Testing
import RSCChangeEvents

/// The canonical form decides whether a record is sent again (its hash is compared with what LinkedIn
/// holds), so it must not drift: the same value, the same bytes.
@Suite struct CanonicalTextTests {
    @Test func keysAreSortedAndWholeNumbersHaveNoFraction() {
        let value = JSONValue.object([
            "zeta": .number(3), "alpha": .array([.number(1.5), .bool(true), .null]), "Mid": .number(-42),
        ])
        #expect(value.canonicalText == #"{"Mid":-42,"alpha":[1.5,true,null],"zeta":3}"#)
    }

    @Test func quotesBackslashesAndControlsAreEscapedAndUnicodePassesThrough() {
        let value = JSONValue.string("Åsa \"Ö\" \\ 名前 🙂\n\r\t\u{1}\u{1F}")
        #expect(value.canonicalText == #""Åsa \"Ö\" \\ 名前 🙂\n\r\t\u0001\u001f""#)
        #expect(value.canonicalBytes == Array(value.canonicalText.utf8))
    }

    @Test func canonicalTextParsesBackToTheSameValue() throws {
        let value = JSONValue.object(["name": .string("Zoë\u{7}"), "tags": .array([.string(""), .number(0)])])
        #expect(try JSONValue.parse(value.canonicalBytes) == value)
    }
}
