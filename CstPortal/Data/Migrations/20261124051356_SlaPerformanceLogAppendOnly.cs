using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <summary>
    /// The SLA performance log is append-only in the database itself: triggers refuse every UPDATE and DELETE,
    /// whoever sends them. Raw SQL kept apart from the generated SlaEngine migration so it survives regeneration.
    /// (SQLite trigger syntax; the PostgreSQL migrations carry their own.)
    /// </summary>
    public partial class SlaPerformanceLogAppendOnly : Migration
    {
        public const string NoUpdateTrigger = "PerformanceEntries_no_update";
        public const string NoDeleteTrigger = "PerformanceEntries_no_delete";

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE TRIGGER {NoUpdateTrigger} BEFORE UPDATE ON PerformanceEntries
                BEGIN SELECT RAISE(ABORT, 'performance entries are append-only: UPDATE refused'); END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER {NoDeleteTrigger} BEFORE DELETE ON PerformanceEntries
                BEGIN SELECT RAISE(ABORT, 'performance entries are append-only: DELETE refused'); END;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {NoUpdateTrigger};");
            migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {NoDeleteTrigger};");
        }
    }
}
