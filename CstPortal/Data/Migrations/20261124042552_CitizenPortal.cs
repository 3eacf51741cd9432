using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class CitizenPortal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Evidence_ServiceRequestId",
                table: "Evidence");

            migrationBuilder.CreateTable(
                name: "RequestSupporters",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ServiceRequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestSupporters", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequestSupporters_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RequestSupporters_ServiceRequests_ServiceRequestId",
                        column: x => x.ServiceRequestId,
                        principalTable: "ServiceRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Evidence_ServiceRequestId_Sha256",
                table: "Evidence",
                columns: new[] { "ServiceRequestId", "Sha256" });

            migrationBuilder.CreateIndex(
                name: "IX_RequestSupporters_ServiceRequestId_UserId",
                table: "RequestSupporters",
                columns: new[] { "ServiceRequestId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RequestSupporters_UserId",
                table: "RequestSupporters",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RequestSupporters");

            migrationBuilder.DropIndex(
                name: "IX_Evidence_ServiceRequestId_Sha256",
                table: "Evidence");

            migrationBuilder.CreateIndex(
                name: "IX_Evidence_ServiceRequestId",
                table: "Evidence",
                column: "ServiceRequestId");
        }
    }
}
