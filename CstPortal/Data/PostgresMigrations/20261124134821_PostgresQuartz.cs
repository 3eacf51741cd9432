using CstPortal.Common;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.PostgresMigrations
{
    /// <summary>
    /// Quartz's clustered job store tables (qrtz_*), from the PostgreSQL DDL inside the Quartz package (see
    /// <see cref="QuartzSchema"/>). Hand-written; scripts/regenerate-postgres-migrations.sh re-creates it after merges.
    /// </summary>
    public partial class PostgresQuartz : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in QuartzSchema.PostgresStatements()) migrationBuilder.Sql(statement);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in QuartzSchema.PostgresTables()) migrationBuilder.Sql($"DROP TABLE IF EXISTS {table} CASCADE");
        }
    }
}
