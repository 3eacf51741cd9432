using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CstPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddressRegister : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AddressPoints",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SearchKey = table.Column<string>(type: "TEXT", nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressPoints", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AddressPoints_SearchKey",
                table: "AddressPoints",
                column: "SearchKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AddressPoints");
        }
    }
}
