import Foundation

/// Splits a migration file into statements, because postgres-nio speaks only the extended protocol,
/// which takes one statement at a time. Respects quotes, dollar quoting and comments, so semicolons
/// inside a string, an identifier or a function body do not split.
enum SQLScript {
    static func statements(_ script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty && !isOnlyComments(statement) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        /// Copies up to and including the first occurrence of `terminator` after the current position.
        func copy(until terminator: [Unicode.Scalar], from start: Int) {
            var position = start
            while position < characters.count {
                if Array(characters[position..<min(position + terminator.count, characters.count)]) == terminator {
                    position += terminator.count
                    current.append(contentsOf: characters[index..<position])
                    index = position
                    return
                }
                position += 1
            }
            current.append(contentsOf: characters[index...])
            index = characters.count
        }

        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'": copy(until: ["'"], from: index + 1)
            case "\"": copy(until: ["\""], from: index + 1)
            case "-" where peek(1) == "-": copy(until: ["\n"], from: index + 2)
            case "/" where peek(1) == "*": copy(until: ["*", "/"], from: index + 2)
            case "$":
                // A dollar-quote tag: $$ or $name$ (a positional parameter like $1 is not one).
                var end = index + 1
                while end < characters.count, characters[end] == "_" || characters[end].properties.isAlphabetic { end += 1 }
                if end < characters.count, characters[end] == "$" {
                    let tag = Array(characters[index...end])
                    copy(until: tag, from: end + 1)
                } else {
                    current.append(character)
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }

    static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}
