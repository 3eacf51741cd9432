using CstPortal.Features.Sla;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CstPortal.Data;

/// <summary>
/// Backfill for <see cref="Features.Requests.ServiceRequest.NextEscalationAt"/> when the column is added to a database
/// that already holds requests: every open request is marked <see cref="EscalationSchedule.LookNow"/> ("unknown: look at
/// it at the next sweep"); closed ones stay null. The first sweep then reads them all, fires whatever is due (as the
/// sweep before this column would have) and writes each one's real next instant, in bulk, only where the row is still
/// as it read it. Running it again is harmless: it only makes the next sweep look once more.
/// Kept out of the migrations so they can be regenerated and call it again.
/// </summary>
public static class EscalationScheduleSql
{
    // The literals below are EscalationSchedule.LookNow (2000-01-01 UTC); a test reads them back through EF.
    /// <summary>SQLite stores a DateTime as text "yyyy-MM-dd HH:mm:ss" (EF Core's format).</summary>
    public static readonly string SqliteBackfill =
        $"""UPDATE "ServiceRequests" SET "NextEscalationAt" = '2000-01-01 00:00:00' WHERE "Status" IN ({CstDbContext.OpenStatusesSql});""";

    /// <summary>PostgreSQL: timestamp with time zone.</summary>
    public static readonly string PostgresBackfill =
        $"""UPDATE "ServiceRequests" SET "NextEscalationAt" = TIMESTAMPTZ '2000-01-01 00:00:00+00' WHERE "Status" IN ({CstDbContext.OpenStatusesSql});""";

    public static void Backfill(MigrationBuilder m) =>
        m.Sql(m.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL" ? PostgresBackfill : SqliteBackfill);
}
