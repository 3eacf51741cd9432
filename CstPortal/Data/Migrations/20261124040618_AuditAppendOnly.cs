using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <summary>
    /// The audit log is append-only in the database itself: triggers refuse every UPDATE and DELETE,
    /// whoever sends them. (SQLite trigger syntax; the PostgreSQL migrations carry their own.)
    /// </summary>
    public partial class AuditAppendOnly : Migration
    {
        public const string NoUpdateTrigger = "AuditEntries_no_update";
        public const string NoDeleteTrigger = "AuditEntries_no_delete";

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE TRIGGER {NoUpdateTrigger} BEFORE UPDATE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER {NoDeleteTrigger} BEFORE DELETE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {NoUpdateTrigger};");
            migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {NoDeleteTrigger};");
        }
    }
}
