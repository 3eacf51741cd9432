using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class OpenZoneIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_Open_Status_ZoneId_ResolutionDueAt",
                table: "ServiceRequests",
                columns: new[] { "Status", "ZoneId", "ResolutionDueAt" },
                filter: "\"Status\" IN ('New', 'Triaged', 'Assigned', 'InProgress')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_Open_Status_ZoneId_ResolutionDueAt",
                table: "ServiceRequests");
        }
    }
}
