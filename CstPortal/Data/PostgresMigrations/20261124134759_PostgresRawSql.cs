using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.PostgresMigrations
{
    /// <summary>Hand-written SQL (append-only triggers, PostGIS): see Data/PostgresSchemaSql.cs. Written by scripts/regenerate-postgres-migrations.sh.</summary>
    public partial class PostgresRawSql : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => PostgresSchemaSql.Up(migrationBuilder);

        protected override void Down(MigrationBuilder migrationBuilder) => PostgresSchemaSql.Down(migrationBuilder);
    }
}
