import Foundation

/// Walks one instance through a compiled `JSONSchema` and collects where it breaks which rule.
struct JSONSchemaValidator {
    let nodes: [JSONSchema.Node]

    func violations(of instance: JSONNode) -> [SchemaViolation] {
        var path = InstancePath()
        var report: [SchemaViolation]? = []
        _ = check(0, instance, &path, &report)
        return report ?? []
    }

    /// Whether `value` satisfies node `index`. With `report` nil it only answers, stopping at the first failure:
    /// that is how `if` and the branches of `anyOf`/`oneOf` are tried without paying for messages.
    private func check(_ index: Int, _ value: JSONNode, _ path: inout InstancePath, _ report: inout [SchemaViolation]?) -> Bool {
        let node = nodes[index]
        if node.rejectsEverything {
            return fail(.falseSchema, "is not allowed here", path, &report)
        }
        var valid = true
        if let types = node.types, !value.matches(types) {
            valid = fail(.type, "\(node.typeMessage) (found \(value.typeName))", path, &report)
            if report == nil { return false }
        }
        if let allowed = node.enumValues, !allowed.contains(where: { $0.isEqual(to: value) }) {
            valid = fail(.enum, node.enumMessage, path, &report)
            if report == nil { return false }
        }
        if let constant = node.constValue, !constant.isEqual(to: value) {
            valid = fail(.const, node.constMessage, path, &report)
            if report == nil { return false }
        }

        switch value {
        case .string(let text):
            if !checkString(node, text, path, &report) {
                valid = false
                if report == nil { return false }
            }
        case .integer, .double:
            if let minimum = node.minimum, let order = JSONNode.compareNumbers(value, minimum), order < 0 {
                valid = fail(.minimum, "must be at least \(minimum.numberText)", path, &report)
                if report == nil { return false }
            }
            if let maximum = node.maximum, let order = JSONNode.compareNumbers(value, maximum), order > 0 {
                valid = fail(.maximum, "must be at most \(maximum.numberText)", path, &report)
                if report == nil { return false }
            }
        case .object(let members):
            if !checkObject(node, members, &path, &report) {
                valid = false
                if report == nil { return false }
            }
        case .array(let elements):
            if !checkArray(node, elements, &path, &report) {
                valid = false
                if report == nil { return false }
            }
        case .null, .bool:
            break
        }

        if let target = node.ref, !check(target, value, &path, &report) {
            valid = false
            if report == nil { return false }
        }
        for branch in node.allOf where !check(branch, value, &path, &report) {
            valid = false
            if report == nil { return false }
        }
        if !node.anyOf.isEmpty, !node.anyOf.contains(where: { passes($0, value) }) {
            valid = false
            if report == nil { return false }
            explainNoMatch(node.anyOf, rule: .anyOf, value, &path, &report)
        }
        if !node.oneOf.isEmpty {
            let matching = node.oneOf.lazy.filter { passes($0, value) }.prefix(2).count
            if matching != 1 {
                valid = false
                if report == nil { return false }
                if matching == 0 {
                    explainNoMatch(node.oneOf, rule: .oneOf, value, &path, &report)
                } else {
                    _ = fail(.oneOf, "matches more than one of the oneOf schemas", path, &report)
                }
            }
        }
        if let condition = node.ifNode, node.thenNode != nil || node.elseNode != nil {
            if let consequence = passes(condition, value) ? node.thenNode : node.elseNode,
               !check(consequence, value, &path, &report) {
                valid = false
            }
        }
        return valid
    }

    private func passes(_ index: Int, _ value: JSONNode) -> Bool {
        var scratch = InstancePath()
        var silent: [SchemaViolation]? = nil
        return check(index, value, &scratch, &silent)
    }

    private func checkString(_ node: JSONSchema.Node, _ text: String, _ path: InstancePath, _ report: inout [SchemaViolation]?) -> Bool {
        var valid = true
        if node.minLength != nil || node.maxLength != nil {
            // JSON Schema counts characters as code points, not grapheme clusters or UTF-16 units.
            let length = text.unicodeScalars.count
            if let minimum = node.minLength, length < minimum {
                valid = fail(.minLength, "must have at least \(minimum) character\(minimum == 1 ? "" : "s")", path, &report)
                if report == nil { return false }
            }
            if let maximum = node.maxLength, length > maximum {
                valid = fail(.maxLength, "must have at most \(maximum) character\(maximum == 1 ? "" : "s")", path, &report)
                if report == nil { return false }
            }
        }
        if let pattern = node.pattern,
           pattern.firstMatch(in: text, options: [], range: NSRange(location: 0, length: text.utf16.count)) == nil {
            valid = fail(.pattern, node.patternMessage, path, &report)
            if report == nil { return false }
        }
        if node.isDateTime, !DateTimeFormat.isValid(text) {
            valid = fail(.format, "is not an RFC 3339 date-time", path, &report)
        }
        return valid
    }

    private func checkObject(_ node: JSONSchema.Node, _ members: [String: JSONNode], _ path: inout InstancePath, _ report: inout [SchemaViolation]?) -> Bool {
        var valid = true
        for name in node.required where members[name] == nil {
            path.push(.key(name))
            valid = fail(.required, "is required", path, &report)
            path.pop()
            if report == nil { return false }
        }
        for (name, child) in node.properties {
            guard let member = members[name] else { continue }
            path.push(.key(name))
            let ok = check(child, member, &path, &report)
            path.pop()
            if !ok {
                valid = false
                if report == nil { return false }
            }
        }
        if let additional = node.additionalProperties {
            for (name, member) in members where !node.properties.contains(where: { $0.name == name }) {
                // An unknown key is the sender's text, so the path names it only as `*`.
                path.push(.key("*"))
                let ok = check(additional, member, &path, &report)
                path.pop()
                if !ok {
                    valid = false
                    if report == nil { return false }
                }
            }
        }
        return valid
    }

    private func checkArray(_ node: JSONSchema.Node, _ elements: [JSONNode], _ path: inout InstancePath, _ report: inout [SchemaViolation]?) -> Bool {
        var valid = true
        if let minimum = node.minItems, elements.count < minimum {
            valid = fail(.minItems, "must have at least \(minimum) item\(minimum == 1 ? "" : "s")", path, &report)
            if report == nil { return false }
        }
        if let maximum = node.maxItems, elements.count > maximum {
            valid = fail(.maxItems, "must have at most \(maximum) item\(maximum == 1 ? "" : "s")", path, &report)
            if report == nil { return false }
        }
        if let items = node.items {
            for (offset, element) in elements.enumerated() {
                path.push(.index(offset))
                let ok = check(items, element, &path, &report)
                path.pop()
                if !ok {
                    valid = false
                    if report == nil { return false }
                }
            }
        }
        return valid
    }

    /// No branch matched. When the value's type fits exactly one branch, that branch's own violations say the
    /// most (`rejected-at` is a string but not a timestamp); when it fits none, one type violation lists them all.
    private func explainNoMatch(_ branches: [Int], rule: SchemaViolation.Rule, _ value: JSONNode, _ path: inout InstancePath, _ report: inout [SchemaViolation]?) {
        let accepted = branches.map(acceptedTypes)
        if accepted.allSatisfy({ $0 != nil }) {
            let union = accepted.reduce(into: JSONSchema.Types()) { $0.formUnion($1 ?? []) }
            if !value.matches(union) {
                _ = fail(.type, "must be \(union.spelledOut) (found \(value.typeName))", path, &report)
                return
            }
        }
        let fitting = zip(branches, accepted).filter { $0.1.map(value.matches) ?? true }.map(\.0)
        if fitting.count == 1 {
            _ = check(fitting[0], value, &path, &report)
        } else {
            _ = fail(rule, "does not match any of the \(rule.rawValue) schemas", path, &report)
        }
    }

    /// The types a branch can accept at all, following `$ref` and `allOf`; nil when it does not restrict them.
    private func acceptedTypes(_ index: Int) -> JSONSchema.Types? {
        let node = nodes[index]
        var types = node.types
        for constraint in [node.ref].compactMap({ $0 }) + node.allOf {
            guard let narrower = acceptedTypes(constraint) else { continue }
            types = types.map { $0.intersection(narrower) } ?? narrower
        }
        return types
    }

    private func fail(_ rule: SchemaViolation.Rule, _ message: String, _ path: InstancePath, _ report: inout [SchemaViolation]?) -> Bool {
        report?.append(SchemaViolation(instancePath: path.rendered, rule: rule, message: message))
        return false
    }
}

/// The location inside the instance, kept as segments and rendered only when a violation is reported.
struct InstancePath {
    enum Segment {
        case key(String)
        case index(Int)
    }

    private var segments: [Segment] = []

    mutating func push(_ segment: Segment) { segments.append(segment) }
    mutating func pop() { segments.removeLast() }

    var rendered: String {
        var text = ""
        for segment in segments {
            switch segment {
            case .key(let name): text += text.isEmpty ? name : "." + name
            case .index(let offset): text += "[\(offset)]"
            }
        }
        return text
    }
}

extension JSONNode {
    func matches(_ types: JSONSchema.Types) -> Bool {
        switch self {
        case .null: types.contains(.null)
        case .bool: types.contains(.boolean)
        case .integer: types.contains(.integer) || types.contains(.number)
        case .double(let number): types.contains(.number) || (types.contains(.integer) && number.isFinite && number.rounded(.towardZero) == number)
        case .string: types.contains(.string)
        case .array: types.contains(.array)
        case .object: types.contains(.object)
        }
    }

    /// A schema bound as text for a message.
    var numberText: String {
        switch self {
        case .integer(let number): String(number)
        case .double(let number): String(number)
        default: ""
        }
    }
}
