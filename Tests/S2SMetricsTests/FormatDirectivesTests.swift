import S2SMetrics
import XCTest

/// The directives a translation of a software message must carry over.
final class FormatDirectivesTests: XCTestCase {
    func testWhatCountsAsADirective() {
        XCTAssertEqual(FormatDirectives.extract("%s: cannot open %1$d of %-10.3lf (100%%), %(name)s and %*d"),
                       ["%s", "%1$d", "%-10.3lf", "%%", "%(name)s", "%*d"])
        XCTAssertEqual(FormatDirectives.extract("{} {0} {name} {not a name} {"), ["{}", "{0}", "{name}"])
        XCTAssertEqual(FormatDirectives.extract(#"line\nnext\ttab \x"#), [#"\n"#, #"\t"#])
        XCTAssertEqual(FormatDirectives.extract(#"<b>bold</b> <a href="x">link</a> <br/> a < b"#),
                       ["<b", "</b", "<a", "</a", "<br"])
        XCTAssertEqual(FormatDirectives.extract("50% off, 3 %, &File, _Open"), [], "prose, accelerators")
        XCTAssertEqual(FormatDirectives.extract("%"), [])
    }

    func testKeptMeansTheSameDirectivesInAnyOrder() {
        let refs = ["Datei %1$s in %2$s", "kein Platzhalter", "<b>%d</b> Dateien", "{n} Zeilen\\n"]
        let hyps = ["in %2$s die Datei %1$s", "anything", "%d Dateien", "{n} Zeilen\\n{n}"]
        let r = FormatDirectives.kept(hypotheses: hyps, references: refs)
        XCTAssertEqual(r.lines, 3, "lines whose reference has directives")
        XCTAssertEqual(r.kept, 1, "reordered kept; a lost tag and an extra placeholder not")
    }
}
