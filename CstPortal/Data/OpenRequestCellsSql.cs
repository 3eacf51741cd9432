using CstPortal.Features.Geo;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CstPortal.Data;

/// <summary>
/// Keeps <see cref="OpenRequestCell"/> (the heat feed's summary of open requests per grid cell and category) exact in
/// the database itself: triggers on ServiceRequests add a request to its cell while it is open and take it out when it
/// closes, moves, changes category or priority, or is deleted, whoever writes (workflow, merge, intake, the demo-city
/// bulk loader, a hand-written UPDATE). A backfill fills the table from the requests already there.
/// SQLite: <see cref="SqliteUp"/> from the migration that creates the table; PostgreSQL: <see cref="PostgresUp"/> from
/// <see cref="PostgresSchemaSql"/>. Re-running either Up after a Down gives the same table.
/// </summary>
public static class OpenRequestCellsSql
{
    public const string Table = "OpenRequestCells";
    public const string PostgresFunction = "cst_open_request_cells";
    private static readonly string[] SqliteTriggers =
        [$"{Table}_insert", $"{Table}_delete", $"{Table}_update_remove", $"{Table}_update_add"];

    /// <summary>The open statuses as SQL literals (enums are stored as their names).</summary>
    private static string Open => CstDbContext.OpenStatusesSql;

    /// <summary>The heat feed's priority weight of a row (<c>NEW</c> or <c>OLD</c>): P1 4, P2 3, P3 2, P4 1.</summary>
    private static string Weight(string row) => $"""CASE {row}."Priority" WHEN 'P1' THEN 4 WHEN 'P2' THEN 3 WHEN 'P3' THEN 2 ELSE 1 END""";

    /// <summary>True when a change moves a request between cells, categories or weights (not just between open statuses).</summary>
    private static string Moved(string distinct) => string.Join(" OR ",
        new[] { "CategoryId", "GridCell", "Latitude", "Longitude", "Priority" }.Select(c => $"""OLD."{c}" {distinct} NEW."{c}" """.Trim()));

    private const string Columns = "\"CategoryId\", \"GridCell\", \"Count\", \"SumLatitude\", \"SumLongitude\", \"PriorityWeight\"";

    private static string Add(string qualifiedTable) => $"""
        INSERT INTO "{Table}" ({Columns})
        VALUES (NEW."CategoryId", NEW."GridCell", 1, NEW."Latitude", NEW."Longitude", {Weight("NEW")}),
               ({OpenRequestCell.AllCategories}, NEW."GridCell", 1, NEW."Latitude", NEW."Longitude", {Weight("NEW")})
        ON CONFLICT ("CategoryId", "GridCell") DO UPDATE SET
          "Count" = {qualifiedTable}"Count" + excluded."Count",
          "SumLatitude" = {qualifiedTable}"SumLatitude" + excluded."SumLatitude",
          "SumLongitude" = {qualifiedTable}"SumLongitude" + excluded."SumLongitude",
          "PriorityWeight" = {qualifiedTable}"PriorityWeight" + excluded."PriorityWeight";
        """;

    private static string Remove => $"""
        UPDATE "{Table}" SET "Count" = "Count" - 1, "SumLatitude" = "SumLatitude" - OLD."Latitude",
          "SumLongitude" = "SumLongitude" - OLD."Longitude", "PriorityWeight" = "PriorityWeight" - {Weight("OLD")}
        WHERE "GridCell" = OLD."GridCell" AND "CategoryId" IN (OLD."CategoryId", {OpenRequestCell.AllCategories});
        """;

    private const string Watched = "\"Status\", \"CategoryId\", \"GridCell\", \"Latitude\", \"Longitude\", \"Priority\"";

    /// <summary>The table's rows from scratch: what the triggers keep up to date.</summary>
    public static string Backfill => $"""
        DELETE FROM "{Table}";
        INSERT INTO "{Table}" ({Columns})
        SELECT "CategoryId", "GridCell", COUNT(*), SUM("Latitude"), SUM("Longitude"), SUM({Weight("\"ServiceRequests\"")})
        FROM "ServiceRequests" WHERE "Status" IN ({Open}) GROUP BY "CategoryId", "GridCell"
        UNION ALL
        SELECT {OpenRequestCell.AllCategories}, "GridCell", COUNT(*), SUM("Latitude"), SUM("Longitude"), SUM({Weight("\"ServiceRequests\"")})
        FROM "ServiceRequests" WHERE "Status" IN ({Open}) GROUP BY "GridCell";
        """;

    public static void SqliteUp(MigrationBuilder m)
    {
        m.Sql($"""
            CREATE TRIGGER "{Table}_insert" AFTER INSERT ON "ServiceRequests"
            WHEN NEW."Status" IN ({Open})
            BEGIN
            {Add("")}
            END;
            """);
        m.Sql($"""
            CREATE TRIGGER "{Table}_delete" AFTER DELETE ON "ServiceRequests"
            WHEN OLD."Status" IN ({Open})
            BEGIN
            {Remove}
            END;
            """);
        m.Sql($"""
            CREATE TRIGGER "{Table}_update_remove" AFTER UPDATE OF {Watched} ON "ServiceRequests"
            WHEN OLD."Status" IN ({Open}) AND (NEW."Status" NOT IN ({Open}) OR {Moved("IS NOT")})
            BEGIN
            {Remove}
            END;
            """);
        m.Sql($"""
            CREATE TRIGGER "{Table}_update_add" AFTER UPDATE OF {Watched} ON "ServiceRequests"
            WHEN NEW."Status" IN ({Open}) AND (OLD."Status" NOT IN ({Open}) OR {Moved("IS NOT")})
            BEGIN
            {Add("")}
            END;
            """);
        m.Sql(Backfill);
    }

    public static void SqliteDown(MigrationBuilder m)
    {
        foreach (var trigger in SqliteTriggers) m.Sql($"""DROP TRIGGER IF EXISTS "{trigger}";""");
    }

    public static void PostgresUp(MigrationBuilder m)
    {
        m.Sql($"""
            CREATE FUNCTION {PostgresFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."Status" IN ({Open}) THEN
                IF TG_OP = 'DELETE' OR NEW."Status" NOT IN ({Open}) OR {Moved("IS DISTINCT FROM")} THEN
                  {Remove}
                END IF;
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."Status" IN ({Open}) THEN
                IF TG_OP = 'INSERT' OR OLD."Status" NOT IN ({Open}) OR {Moved("IS DISTINCT FROM")} THEN
                  {Add($"\"{Table}\".")}
                END IF;
              END IF;
              RETURN NULL;
            END $$;
            """);
        m.Sql($"""
            CREATE TRIGGER "{Table}_maintain" AFTER INSERT OR DELETE OR UPDATE OF {Watched} ON "ServiceRequests"
            FOR EACH ROW EXECUTE FUNCTION {PostgresFunction}();
            """);
        m.Sql(Backfill);
    }

    public static void PostgresDown(MigrationBuilder m)
    {
        m.Sql($"""DROP TRIGGER IF EXISTS "{Table}_maintain" ON "ServiceRequests";""");
        m.Sql($"DROP FUNCTION IF EXISTS {PostgresFunction}();");
    }
}
