using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class KpiSummary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_ResolvedAt",
                table: "ServiceRequests");

            migrationBuilder.CreateTable(
                name: "KpiDays",
                columns: table => new
                {
                    Day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Dimension = table.Column<int>(type: "INTEGER", maxLength: 32, nullable: false),
                    Key = table.Column<int>(type: "INTEGER", nullable: false),
                    Opened = table.Column<int>(type: "INTEGER", nullable: false),
                    Resolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Closed = table.Column<int>(type: "INTEGER", nullable: false),
                    ResponseMet = table.Column<int>(type: "INTEGER", nullable: false),
                    ResponseDone = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMet = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionDone = table.Column<int>(type: "INTEGER", nullable: false),
                    Reopenable = table.Column<int>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    Ratings = table.Column<int>(type: "INTEGER", nullable: false),
                    RatingStars = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KpiDays", x => new { x.Day, x.Dimension, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "KpiDurationBuckets",
                columns: table => new
                {
                    Day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Measure = table.Column<int>(type: "INTEGER", maxLength: 32, nullable: false),
                    Bucket = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KpiDurationBuckets", x => new { x.Day, x.Measure, x.Bucket });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_CreatedAt_ResolvedLate",
                table: "ServiceRequests",
                columns: new[] { "CreatedAt", "ResolutionDueAt" },
                filter: "\"CloseReason\" IS NULL AND \"ResolvedAt\" > \"ResolutionDueAt\"");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_CreatedAt_Unresolved",
                table: "ServiceRequests",
                column: "CreatedAt",
                filter: "\"ResolvedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_CreatedAt_Untriaged",
                table: "ServiceRequests",
                column: "CreatedAt",
                filter: "\"TriagedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_ResolvedAt",
                table: "ServiceRequests",
                column: "ResolvedAt",
                filter: "\"ResolvedAt\" IS NOT NULL");

            // Triggers that keep the summary, then the backfill (Data/KpiSummarySql.cs).
            KpiSummarySql.SqliteUp(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            KpiSummarySql.SqliteDown(migrationBuilder);

            migrationBuilder.DropTable(
                name: "KpiDays");

            migrationBuilder.DropTable(
                name: "KpiDurationBuckets");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_CreatedAt_ResolvedLate",
                table: "ServiceRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_CreatedAt_Unresolved",
                table: "ServiceRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_CreatedAt_Untriaged",
                table: "ServiceRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_ResolvedAt",
                table: "ServiceRequests");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_ResolvedAt",
                table: "ServiceRequests",
                column: "ResolvedAt");
        }
    }
}
