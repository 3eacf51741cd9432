using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class PerformanceIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_Latitude_Longitude",
                table: "ServiceRequests");

            migrationBuilder.AddColumn<long>(
                name: "GridCell",
                table: "ServiceRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Hand-written backfill (SQLite; keep if this migration is regenerated): the grid cell of every existing
            // request, the same formula as GeoGrid.Cell (rows of 1/1024 degree, 19 column bits; CAST truncates,
            // which is floor for the non-negative offsets).
            migrationBuilder.Sql("""
                UPDATE "ServiceRequests" SET "GridCell" =
                    (CAST(("Latitude" + 90) * 1024 AS INTEGER) << 19) | CAST(("Longitude" + 180) * 1024 AS INTEGER);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_ClosedAt",
                table: "ServiceRequests",
                column: "ClosedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_GridCell",
                table: "ServiceRequests",
                column: "GridCell");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_ResolvedAt",
                table: "ServiceRequests",
                column: "ResolvedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_Status_GridCell_Latitude_Longitude",
                table: "ServiceRequests",
                columns: new[] { "Status", "GridCell", "Latitude", "Longitude" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_ClosedAt",
                table: "ServiceRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_GridCell",
                table: "ServiceRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_ResolvedAt",
                table: "ServiceRequests");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_Status_GridCell_Latitude_Longitude",
                table: "ServiceRequests");

            migrationBuilder.DropColumn(
                name: "GridCell",
                table: "ServiceRequests");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_Latitude_Longitude",
                table: "ServiceRequests",
                columns: new[] { "Latitude", "Longitude" });
        }
    }
}
