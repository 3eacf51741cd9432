using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class OpenRequestCells : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OpenRequestCells",
                columns: table => new
                {
                    CategoryId = table.Column<int>(type: "INTEGER", nullable: false),
                    GridCell = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    SumLatitude = table.Column<double>(type: "REAL", nullable: false),
                    SumLongitude = table.Column<double>(type: "REAL", nullable: false),
                    PriorityWeight = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenRequestCells", x => new { x.CategoryId, x.GridCell });
                });

            // Hand-written (keep if this migration is regenerated): the triggers that keep the table exact, and the backfill.
            OpenRequestCellsSql.SqliteUp(migrationBuilder);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_CategoryId_GridCell_Status_CreatedAt",
                table: "ServiceRequests",
                columns: new[] { "CategoryId", "GridCell", "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            OpenRequestCellsSql.SqliteDown(migrationBuilder);
            migrationBuilder.DropTable(
                name: "OpenRequestCells");

            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_CategoryId_GridCell_Status_CreatedAt",
                table: "ServiceRequests");
        }
    }
}
