using Microsoft.EntityFrameworkCore.Migrations;

namespace CstPortal.Data;

/// <summary>
/// The PostgreSQL schema that EF's model cannot express, applied by the hand-written PostgreSQL migration
/// (Data/PostgresMigrations/*_PostgresRawSql.cs, re-created by scripts/regenerate-postgres-migrations.sh) and kept
/// here so it survives regenerating the initial migration.
/// <list type="bullet">
/// <item>The audit and SLA performance logs are append-only in the database itself: a trigger refuses every UPDATE,
/// DELETE and TRUNCATE, whoever sends them (SQLite's triggers do the same in Data/Migrations).</item>
/// <item>PostGIS, when the server has it: a geography point computed from Latitude/Longitude by PostgreSQL itself
/// (a stored generated column, so the EF model and the SQLite schema stay the same) with a GiST index, used by
/// <see cref="SpatialQueries"/>. Without PostGIS (not installed, or no right to create it) the plain columns serve.</item>
/// <item>The heat feed's summary of open requests per grid cell, kept by a trigger (<see cref="OpenRequestCellsSql"/>).</item>
/// <item>The KPI summary's triggers and backfill (<see cref="KpiSummarySql"/>).</item>
/// <item>The SLA sweep's next-escalation backfill (<see cref="EscalationScheduleSql"/>): a no-op on the empty database the
/// PostgreSQL migrations create, kept so the PostgreSQL schema does what the SQLite migration does.</item>
/// </list>
/// </summary>
public static class PostgresSchemaSql
{
    public const string RefuseChangeFunction = "cst_refuse_change";
    public const string LocationColumn = "Location";
    public static readonly string[] AppendOnlyTables = ["AuditEntries", "PerformanceEntries"];

    public static void Up(MigrationBuilder m)
    {
        m.Sql($"""
            CREATE FUNCTION {RefuseChangeFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
            END $$;
            """);
        foreach (var table in AppendOnlyTables)
        {
            m.Sql($"""
                CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}"
                FOR EACH ROW EXECUTE FUNCTION {RefuseChangeFunction}();
                """);
            m.Sql($"""
                CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}"
                FOR EACH STATEMENT EXECUTE FUNCTION {RefuseChangeFunction}();
                """);
        }
        m.Sql($"""
            DO $$
            BEGIN
              IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis') THEN
                BEGIN
                  CREATE EXTENSION IF NOT EXISTS postgis;
                EXCEPTION WHEN insufficient_privilege THEN
                  RAISE NOTICE 'PostGIS is installed but this role may not create the extension: spatial queries use plain columns.';
                END;
              END IF;
              IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') THEN
                ALTER TABLE "ServiceRequests" ADD COLUMN "{LocationColumn}" geography(Point, 4326)
                  GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint("Longitude", "Latitude"), 4326)::geography) STORED;
                CREATE INDEX "IX_ServiceRequests_{LocationColumn}" ON "ServiceRequests" USING GIST ("{LocationColumn}");
              END IF;
            END $$;
            """);
        OpenRequestCellsSql.PostgresUp(m);
        KpiSummarySql.PostgresUp(m);
        EscalationScheduleSql.Backfill(m);
    }

    public static void Down(MigrationBuilder m)
    {
        OpenRequestCellsSql.PostgresDown(m);
        KpiSummarySql.PostgresDown(m);
        m.Sql($"""ALTER TABLE "ServiceRequests" DROP COLUMN IF EXISTS "{LocationColumn}";""");
        foreach (var table in AppendOnlyTables)
        {
            m.Sql($"""DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";""");
            m.Sql($"""DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";""");
        }
        m.Sql($"DROP FUNCTION IF EXISTS {RefuseChangeFunction}();");
    }
}
