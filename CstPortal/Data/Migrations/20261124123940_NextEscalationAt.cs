using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class NextEscalationAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "NextEscalationAt",
                table: "ServiceRequests",
                type: "TEXT",
                nullable: true);

            // Open requests already there: "unknown, look at the next sweep" (see EscalationScheduleSql).
            EscalationScheduleSql.Backfill(migrationBuilder);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceRequests_NextEscalationAt",
                table: "ServiceRequests",
                column: "NextEscalationAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ServiceRequests_NextEscalationAt",
                table: "ServiceRequests");

            migrationBuilder.DropColumn(
                name: "NextEscalationAt",
                table: "ServiceRequests");
        }
    }
}
