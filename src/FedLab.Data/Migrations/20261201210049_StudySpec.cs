using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FedLab.Data.Migrations
{
    /// <inheritdoc />
    public partial class StudySpec : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StudySpecJson",
                table: "Experiments",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "StudySpecJson",
                table: "Experiments");
        }
    }
}
