import Foundation

/// A deliberately small scanner for the pages' own markup (double-quoted attributes, no
/// comments): enough to check labels, ids, forms and attributes without an HTML parser.
struct HTMLScan {
    struct Tag {
        var name: String
        var attributes: [String: String]
        /// Offset of the `<` in the document, in characters.
        var offset: Int

        subscript(_ attribute: String) -> String? { attributes[attribute] }
    }

    let html: String
    let tags: [Tag]

    init(_ html: String) {
        self.html = html
        var tags: [Tag] = []
        let characters = Array(html)
        var index = 0
        while index < characters.count {
            guard characters[index] == "<", index + 1 < characters.count, characters[index + 1].isLetter else {
                index += 1
                continue
            }
            let start = index
            index += 1
            var name = ""
            while index < characters.count, characters[index].isLetter || characters[index].isNumber {
                name.append(characters[index])
                index += 1
            }
            var attributes: [String: String] = [:]
            while index < characters.count, characters[index] != ">" {
                if characters[index].isWhitespace || characters[index] == "/" {
                    index += 1
                    continue
                }
                var attribute = ""
                while index < characters.count, !characters[index].isWhitespace, characters[index] != "=",
                    characters[index] != ">"
                {
                    attribute.append(characters[index])
                    index += 1
                }
                var value = ""
                if index < characters.count, characters[index] == "=" {
                    index += 2  // `="`
                    while index < characters.count, characters[index] != "\"" {
                        value.append(characters[index])
                        index += 1
                    }
                    index += 1
                }
                attributes[attribute.lowercased()] = value
            }
            tags.append(Tag(name: name.lowercased(), attributes: attributes, offset: start))
            index += 1
        }
        self.tags = tags
    }

    func tags(_ name: String) -> [Tag] { tags.filter { $0.name == name } }

    /// Each `<form …>…</form>`, as the form's tag and the tags inside it (forms never nest).
    var forms: [(form: Tag, inside: [Tag])] {
        let closes = closingOffsets("form")
        return tags("form").map { form in
            let end = closes.first { $0 > form.offset } ?? Int.max
            return (form, tags.filter { $0.offset > form.offset && $0.offset < end })
        }
    }

    private func closingOffsets(_ name: String) -> [Int] {
        var offsets: [Int] = []
        var search = html.startIndex
        while let range = html.range(of: "</\(name)>", range: search..<html.endIndex) {
            offsets.append(html.distance(from: html.startIndex, to: range.lowerBound))
            search = range.upperBound
        }
        return offsets
    }

    /// The visible text: tags removed, the five escapes decoded, whitespace collapsed.
    var text: String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
                out.append(" ")
            } else if !inTag {
                out.append(character)
            }
        }
        let decoded = out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        return decoded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
