@testable import RSCStore
import Testing

@Suite("splitting migration files into statements")
struct SQLScriptTests {
    @Test("semicolons inside strings, identifiers, comments and dollar-quoted bodies do not split")
    func quoting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE "odd;name" (note text DEFAULT 'a;b');
            /* block; comment */ INSERT INTO t VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
            SELECT $$x;y$$, $1::int;
            -- trailing comment only
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix(#"CREATE TABLE "odd;name" (note text DEFAULT 'a;b')"#))
        #expect(statements[1].hasSuffix("INSERT INTO t VALUES ('it''s; fine')"))
        #expect(statements[2].contains("RETURN 1; END; $body$ LANGUAGE plpgsql"))
        #expect(statements[3] == "SELECT $$x;y$$, $1::int")
    }

    @Test("the project's own migrations split into their statements")
    func ownMigrations() throws {
        let migrations = try MigrationCatalog.loadDefault()
        let companies = try #require(migrations.first { $0.name == "companies" })
        #expect(SQLScript.statements(companies.sql).count == 2)
    }
}
